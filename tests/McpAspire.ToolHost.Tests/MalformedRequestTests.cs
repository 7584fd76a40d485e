using System.Net;
using System.Text;
using System.Text.Json;
using McpAspire.TestSupport;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// The malformed-request corpus (tests/McpAspire.Mcp.Tests/MalformedRequests.json) against the tool host on the SDK's
/// endpoint: every case gets a 4xx or a JSON-RPC error (never a 5xx, a hang or a session), and the tool host keeps serving.
/// </summary>
public sealed class MalformedRequestTests
{
    private sealed record Case(string Name, string Method, string Path, Dictionary<string, string> Headers, string? Body, int Status, int Code);

    [Fact]
    public async Task Every_malformed_request_gets_a_client_error_and_opens_no_session()
    {
        await using var server = await ToolHostServer.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var session = await RawMcp.InitializeAsync(http, server.McpUri);
        var cases = JsonSerializer.Deserialize<List<Case>>(File.ReadAllText(RepoPaths.Combine("tests", "McpAspire.Mcp.Tests", "MalformedRequests.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var failures = new List<string>();
        foreach (var c in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), new Uri(server.BaseAddress, c.Path));
            if (c.Body is not null)
            {
                var body = c.Body
                    .Replace("{deep}", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100), StringComparison.Ordinal)
                    .Replace("{big}", new string('x', 100 * 1024), StringComparison.Ordinal);
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            }
            foreach (var (name, raw) in c.Headers)
            {
                var value = raw.Replace("{session}", session, StringComparison.Ordinal);
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
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }
            var response = await RawMcp.SendAsync(http, request);
            var status = (int)response.Status;
            // A DELETE of a session that does not exist is idempotent on the SDK (2xx, nothing revealed).
            var ok = status is >= 400 and < 500 || (status == 200 && response.ErrorCode is not null) || (c.Name == "DELETE unknown session" && status is >= 200 and < 300);
            if (!ok || (!c.Headers.ContainsKey("Mcp-Session-Id") && response.SessionId is not null))
            {
                failures.Add($"{c.Name}: {status} session={response.SessionId} {response.Body[..Math.Min(200, response.Body.Length)]}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        var still = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":9,"method":"tools/list"}""", session));
        Assert.Equal(HttpStatusCode.OK, still.Status);
    }
}
