using System.Net;
using System.Text;
using McpAspire.Hosting;
using McpAspire.Hosting.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.EndToEnd.Tests;

/// <summary>
/// The whole app with its dashboard: tool calls through the gateway work while the tool host and the state service refuse
/// callers without the AppHost's service key; and neither that key, the Redis password, nor the client's API key (sent as a
/// bearer token) or query token appears in the resource service JSON, any console log, or the dashboard's logs and traces.
/// </summary>
public sealed class ServiceTrustTests : IAsyncLifetime
{
    // The gateway is started with this API key (its SHA-256 on the AppHost command line), so it is a real credential.
    private const string ClientApiKey = "mcpk_e2e-SECRET-client-apikey-7a8b9c";
    private const string QueryToken = "e2e-SECRET-query-token-1a2b3c";
    private static readonly TimeSpan s_start = TimeSpan.FromSeconds(120);
    private DistributedApplication _app = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(s_start);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(
        [
            "--AppHost:DisableDashboard=false",
            "--Gateway:Auth:ApiKeys:0:Name=e2e",
            "--Gateway:Auth:ApiKeys:0:Hash=" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(ClientApiKey))),
        ], cts.Token);
        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        foreach (var name in new[] { "redis", "statesvc", "toolhost", "gateway", "dashboard" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(name, cts.Token);
        }
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private string EnvironmentOf(string resource, string variable)
    {
        var pid = _app.ResourceNotifications.GetSnapshot(resource).Replicas.First().Pid!.Value;
        var prefix = variable + "=";
        return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Single(e => e.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];
    }

    [Fact]
    public async Task Gateway_calls_work_direct_calls_without_the_key_get_401_and_no_secret_shows_anywhere()
    {
        var serviceKey = EnvironmentOf("statesvc", "ServiceAuth__Key");
        Assert.Equal(serviceKey, EnvironmentOf("toolhost", "ServiceAuth__Key"));
        Assert.Equal(serviceKey, EnvironmentOf("gateway", "ServiceAuth__Key"));
        var redisPassword = (await _app.GetConnectionStringAsync("redis"))!.Split(',').Single(p => p.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];
        Assert.True(redisPassword.Length >= 22);

        // Through the gateway (which holds the key): a 2025-era session (state service) and 2026 calls (tool host), with a
        // client carrying its own credentials, which must not be confused with the service key nor be logged.
        var gateway = new Uri(_app.GetEndpoint("gateway"), $"/mcp?access_token={QueryToken}");
        foreach (var era in new[] { "2025-11-25", null })
        {
            await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = gateway,
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + ClientApiKey },
            }), new McpClientOptions { ProtocolVersion = era });
            var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"through the gateway {era}" });
            Assert.Equal($"through the gateway {era}", string.Join("", result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
        }

        // Directly, without the key: the tool host and the state service refuse.
        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var toolHostMcp = new Uri(_app.GetEndpoint("toolhost"), "/mcp");
        using (var refused = await direct.SendAsync(ToolsList(toolHostMcp, key: null)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("\"jsonrpc\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var refused = await direct.SendAsync(ToolsList(toolHostMcp, key: "a-guessed-key-a-guessed-key-000")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        using (var accepted = await direct.SendAsync(ToolsList(toolHostMcp, key: serviceKey)))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        using (var sessions = new HttpRequestMessage(HttpMethod.Post, new Uri(_app.GetEndpoint("statesvc"), "/sessions")))
        {
            sessions.Headers.Add("X-McpAspire-Principal", "mallory");
            sessions.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            using var refused = await direct.SendAsync(sessions);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        // The probes the AppHost uses stay open.
        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync(new Uri(_app.GetEndpoint("statesvc"), "/health"))).StatusCode);

        string[] secrets = [serviceKey, redisPassword, ClientApiKey, QueryToken];

        // The dashboard: resources (relayed resource service JSON), structured logs and traces, once the gateway's spans are in.
        var dashboard = _app.GetEndpoint("dashboard");
        var token = EnvironmentOf("dashboard", "Dashboard__Frontend__BrowserToken");
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(30) };
        (await http.GetAsync(new Uri($"/login?t={token}", UriKind.Relative))).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string traces;
        while (!(traces = await http.GetStringAsync(new Uri("/api/traces?limit=200&text=echo", UriKind.Relative))).Contains("toolhost", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "The tool call's trace did not reach the dashboard: " + traces);
            await Task.Delay(500);
        }
        var bodies = new Dictionary<string, string>
        {
            ["/api/resources"] = await http.GetStringAsync(new Uri("/api/resources", UriKind.Relative)),
            ["/api/logs"] = await http.GetStringAsync(new Uri("/api/logs?limit=1000", UriKind.Relative)),
            ["/api/traces"] = traces,
        };
        foreach (var traceId in System.Text.Json.JsonDocument.Parse(traces).RootElement.EnumerateArray().Select(t => t.GetProperty("traceId").GetString()).Take(20))
        {
            bodies[$"/api/traces/{traceId}"] = await http.GetStringAsync(new Uri($"/api/traces/{traceId}", UriKind.Relative));
        }
        // Console output of every process, as the dashboard's console log page shows it.
        foreach (var resource in new[] { "redis", "statesvc", "toolhost", "gateway", "dashboard" })
        {
            bodies[$"console {resource}"] = string.Join('\n', _app.ResourceLogs.GetBuffer(resource).Snapshot().Select(l => l.Text));
        }
        Assert.Contains("\"statesvc\"", bodies["/api/resources"], StringComparison.Ordinal);
        foreach (var (where, body) in bodies)
        {
            foreach (var secret in secrets)
            {
                Assert.False(body.Contains(secret, StringComparison.Ordinal), $"{where} shows a secret ({secret[..4]}…)");
            }
        }
    }

    private static HttpRequestMessage ToolsList(Uri endpoint, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"e2e","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/list");
        if (key is not null)
        {
            request.Headers.Add("X-McpAspire-Service-Key", key);
        }
        return request;
    }
}
