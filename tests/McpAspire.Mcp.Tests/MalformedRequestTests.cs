using System.Net;
using System.Text;
using System.Text.Json;
using McpAspire.Mcp.Tests.Infrastructure;

namespace McpAspire.Mcp.Tests;

/// <summary>Shared server for the corpus: one live session the session-bound cases use.</summary>
public sealed class MalformedRequestFixture : IAsyncLifetime
{
    internal McpTestServer Server { get; private set; } = null!;

    internal HttpClient Client { get; private set; } = null!;

    internal string SessionId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Server = await McpTestServer.StartAsync();
        Client = new HttpClient { BaseAddress = Server.BaseAddress };
        SessionId = await RawMcp.InitializeAsync(Client, Server.McpUri);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>
/// Every case of MalformedRequests.json (HTTP method, path, headers, body) must get exactly its expected HTTP status and
/// JSON-RPC error code — never a 500, a hang or an empty body.
/// </summary>
public sealed class MalformedRequestTests(MalformedRequestFixture fixture) : IClassFixture<MalformedRequestFixture>
{
    public sealed record Case(string Name, string Method, string Path, Dictionary<string, string> Headers, string? Body, int Status, int Code)
    {
        public override string ToString() => Name;
    }

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static IEnumerable<object[]> Cases()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "MalformedRequests.json");
        return JsonSerializer.Deserialize<List<Case>>(File.ReadAllText(path), s_json)!.Select(c => new object[] { c });
    }

    [Fact]
    public void Corpus_has_at_least_fifty_cases_with_unique_names()
    {
        var cases = Cases().Select(c => (Case)c[0]).ToList();
        Assert.True(cases.Count >= 50, $"only {cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Malformed_request_gets_its_status_and_json_rpc_error(Case testCase)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        using var request = new HttpRequestMessage(new HttpMethod(testCase.Method), new Uri(fixture.Server.BaseAddress, testCase.Path));
        if (testCase.Body is not null)
        {
            var body = testCase.Body
                .Replace("{deep}", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100), StringComparison.Ordinal)
                .Replace("{big}", new string('x', 100 * 1024), StringComparison.Ordinal);
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        }
        foreach (var (name, raw) in testCase.Headers)
        {
            var value = raw.Replace("{session}", fixture.SessionId, StringComparison.Ordinal);
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = value;
            }
            else
            {
                Assert.True(request.Headers.TryAddWithoutValidation(name, value), $"header {name} not accepted by HttpClient");
            }
        }

        var response = await RawMcp.SendAsync(fixture.Client, request);

        Assert.True((HttpStatusCode)testCase.Status == response.Status, $"{testCase.Name}: expected {testCase.Status}, got {(int)response.Status}: {response.Body}");
        Assert.True(testCase.Code == response.ErrorCode, $"{testCase.Name}: expected code {testCase.Code}, got {response.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}: {response.Body}");
        // A rejected request that carried no session must not have opened one.
        if (!testCase.Headers.ContainsKey("Mcp-Session-Id"))
        {
            Assert.True(response.SessionId is null, $"{testCase.Name}: a session {response.SessionId} was created");
        }
        var error = response.Messages.First(m => m.TryGetProperty("error", out _)).GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }
}
