using System.Net;
using System.Text;
using System.Text.Json;

namespace McpAspire.StateService.Tests;

/// <summary>Bad input gets a clear 4xx problem+json — never a 500, a hang, or a write.</summary>
public sealed class BadInputTests : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private const string Principal = "X-McpAspire-Principal";
    private readonly RedisFixture _redis;
    private StateServiceHost _host = null!;
    private string _sid = null!;

    public BadInputTests(RedisFixture redis)
    {
        _redis = redis;
    }

    public async Task InitializeAsync()
    {
        _host = await StateServiceHost.StartAsync(_redis.Server.ConnectionString, new Dictionary<string, string?>
        {
            ["State:MaxRequestBodyBytes"] = "65536",
            ["State:MaxEventBytes"] = "4096",
        });
        _sid = (await _host.Client.CreateSessionAsync("alice")).Id;
        await _host.Client.RegisterMcpClientAsync("alice", _sid, "known", new Client.RegisterClientRequest("http://known"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string, string?, string?, int> Cases()
    {
        var big = "{\"stream\":\"get\",\"data\":\"" + new string('x', 70_000) + "\"}";
        var midsize = "{\"stream\":\"get\",\"data\":\"" + new string('x', 5_000) + "\"}";
        return new()
        {
            // method, path, principal, body, expected status
            { "POST", "sessions", null, "{}", 400 },
            { "POST", "sessions", "", "{}", 400 },
            { "POST", "sessions", "has space", "{}", 400 },
            { "POST", "sessions", "bad{brace}", "{}", 400 },
            { "POST", "sessions", new string('p', 300), "{}", 400 },
            { "POST", "sessions", "alice", "{not json", 400 },
            { "POST", "sessions", "alice", "[1,2,3]", 400 },
            { "POST", "sessions", "alice", "{\"idleTtlSeconds\":0}", 400 },
            { "POST", "sessions", "alice", "{\"idleTtlSeconds\":-5}", 400 },
            { "POST", "sessions", "alice", "{\"idleTtlSeconds\":99999999999}", 400 },
            { "POST", "sessions", "alice", "{\"idleTtlSeconds\":\"ten\"}", 400 },
            { "POST", "sessions", "alice", "{\"absoluteLifetimeSeconds\":0}", 400 },
            { "POST", "sessions", "alice", "{\"attributes\":{\"bad key!\":\"v\"}}", 400 },
            { "POST", "sessions", "alice", "{\"attributes\":{\"k\":\"" + new string('v', 5000) + "\"}}", 400 },
            { "POST", "sessions", "alice", "{\"id\":\"short\"}", 400 },
            { "POST", "sessions", "alice", "{\"id\":\"has{brace}AAAAAAAAAAAAAAAA\"}", 400 },
            { "POST", "sessions", "alice", "{\"id\":\"" + new string('a', 129) + "\"}", 400 },
            { "POST", "sessions", "alice", "{\"id\":\"{sid}\"}", 409 },
            { "GET", "sessions/short", "alice", null, 404 },
            { "GET", "sessions/" + new string('a', 200), "alice", null, 404 },
            { "GET", "sessions/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "alice", null, 404 },
            { "GET", "sessions?limit=0", "alice", null, 400 },
            { "GET", "sessions?limit=100000", "alice", null, 400 },
            { "GET", "sessions?cursor=abc", "alice", null, 400 },
            { "GET", "sessions?limit=abc", "alice", null, 400 },
            { "PUT", "sessions/{sid}/clients/bad%20name", "alice", "{\"endpoint\":\"x\"}", 400 },
            { "PUT", "sessions/{sid}/clients/" + new string('n', 65), "alice", "{\"endpoint\":\"x\"}", 400 },
            { "PUT", "sessions/{sid}/clients/ok", "alice", "{}", 400 },
            { "PUT", "sessions/{sid}/clients/ok", "alice", "{\"endpoint\":\"\"}", 400 },
            { "PUT", "sessions/{sid}/clients/ok", "alice", "{\"endpoint\":\"x\",\"toolCount\":-1}", 400 },
            { "PUT", "sessions/{sid}/clients/ok", "alice", "{\"endpoint\":\"x\",\"status\":\"bad status\"}", 400 },
            { "PUT", "sessions/{sid}/clients/ok", "alice", "{\"endpoint\":\"x\",\"metadata\":{\"a b\":\"c\"}}", 400 },
            { "PUT", "sessions/{sid}/clients/ok", "alice", "", 400 },
            { "PUT", "sessions/{sid}/clients/known/tool-count", "alice", "{\"toolCount\":-3}", 400 },
            { "PUT", "sessions/{sid}/clients/known/status", "alice", "{\"status\":\"\"}", 400 },
            { "GET", "sessions/{sid}/clients/missing", "alice", null, 404 },
            { "POST", "sessions/{sid}/clients/cleanup?maxAgeSeconds=-1", "alice", null, 400 },
            { "POST", "sessions/{sid}/events", "alice", "{\"stream\":\"bad|stream\",\"data\":1}", 400 },
            { "POST", "sessions/{sid}/events", "alice", "{\"stream\":\"get\"}", 400 },
            { "POST", "sessions/{sid}/events", "alice", midsize, 413 },
            { "POST", "sessions/{sid}/events", "alice", big, 413 },
            { "GET", "sessions/{sid}/events?after=-1", "alice", null, 400 },
            { "GET", "sessions/{sid}/events?limit=0", "alice", null, 400 },
            { "GET", "sessions/{sid}/events?stream=a%7Cb", "alice", null, 400 },
            { "PUT", "connections/admin/alice/servers/github", null, "{\"status\":\"connected\"}", 400 },
            { "PUT", "connections/user/al%7Bice/servers/github", null, "{\"status\":\"connected\"}", 400 },
            { "PUT", "connections/user/alice/servers/git%20hub", null, "{\"status\":\"connected\"}", 400 },
            { "PUT", "connections/user/alice/servers/github", null, "{\"status\":\"\"}", 400 },
            { "PUT", "connections/user/alice/servers/github/status", null, "{\"status\":\"connected\"}", 404 },
            { "GET", "connections/user/alice/servers/nothing", null, null, 404 },
            { "PUT", "catalog/bad%20name", null, "{}", 400 },
            { "PUT", "catalog/ok?ttlSeconds=0", null, "{}", 400 },
            { "PUT", "catalog/ok", null, "{oops", 400 },
            { "GET", "catalog/never-stored", null, null, 404 },
            { "GET", "events?session=bad", null, null, 400 },
            { "POST", "admin/cleanup-clients?maxAgeSeconds=-1", null, null, 400 },
            { "POST", "clients/batch-update", null, "{\"name\":\"known\",\"sessionIds\":[\"{sid}\"],\"status\":\"x\"}", 400 },
            { "POST", "clients/batch-update", "alice", "{\"name\":\"known\",\"sessionIds\":[],\"status\":\"x\"}", 400 },
            { "POST", "clients/batch-update", "alice", "{\"name\":\"known\",\"status\":\"x\"}", 400 },
            { "POST", "clients/batch-update", "alice", "{\"name\":\"known\",\"sessionIds\":[\"bad{brace}AAAAAAAAAAAAAAAA\"],\"status\":\"x\"}", 400 },
            { "POST", "clients/batch-update", "alice", "{\"name\":\"known\",\"sessionIds\":[\"{sid}\"]}", 400 },
            { "POST", "clients/batch-update", "alice", "{\"name\":\"bad name\",\"sessionIds\":[\"{sid}\"],\"status\":\"x\"}", 400 },
            { "POST", "clients/batch-update", "alice", "{\"sessionIds\":[\"{sid}\"],\"status\":\"x\"}", 400 },
            { "POST", "clients/batch-update", "alice", "{\"name\":\"known\",\"sessionIds\":[\"{sid}\"],\"toolCount\":-1}", 400 },
            { "POST", "clients/batch-update", "alice", "{\"name\":\"known\",\"sessionIds\":[\"{sid}\"],\"status\":\"bad status\"}", 400 },
            { "POST", "clients/batch-update", "alice", "{\"name\":\"known\",\"sessionIds\":[" + string.Join(",", Enumerable.Repeat("\"{sid}\"", 1001)) + "],\"status\":\"x\"}", 400 },
            { "POST", "clients/batch-update", "alice", "{oops", 400 },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_request_gets_a_clear_problem_response(string method, string path, string? principal, string? body, int expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{sid}", _sid, StringComparison.Ordinal));
        if (principal is not null)
        {
            request.Headers.TryAddWithoutValidation(Principal, principal);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body.Replace("{sid}", _sid, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        }
        using var response = await _host.Http.SendAsync(request);

        Assert.Equal((HttpStatusCode)expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expected, problem.RootElement.GetProperty("status").GetInt32());
        Assert.True(problem.RootElement.TryGetProperty("title", out _));
    }

    [Fact]
    public async Task Rejected_writes_leave_state_unchanged()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"sessions/{_sid}/clients/known/tool-count") { Content = new StringContent("{\"toolCount\":-3}", Encoding.UTF8, "application/json") };
        request.Headers.Add(Principal, "alice");
        using var _ = await _host.Http.SendAsync(request);
        var known = await _host.Client.GetMcpClientAsync("alice", _sid, "known");
        Assert.Equal(0, known!.ToolCount);
        Assert.Equal(["known"], (await _host.Client.ListMcpClientsAsync("alice", _sid))!.Select(c => c.Name));
    }

    [Fact]
    public async Task Openapi_document_describes_the_api()
    {
        using var doc = JsonDocument.Parse(await _host.Http.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative)));
        var paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/sessions/{sid}", out _));
        Assert.True(paths.TryGetProperty("/sessions/{sid}/clients/{name}", out _));
        Assert.True(paths.TryGetProperty("/connections/{scope}/{owner}/servers/{server}", out _));
    }
}
