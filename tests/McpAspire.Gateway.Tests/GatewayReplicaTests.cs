using System.Net;
using System.Text;
using System.Text.Json;
using McpAspire.StateService;
using McpAspire.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Tests;

/// <summary>Two stateless gateway replicas over one state service (real redis-server), as the AppHost runs them.</summary>
public sealed class GatewayReplicaTests
{
    [Fact]
    public async Task A_2025_session_alternates_between_replicas_and_a_state_service_outage_gives_503_while_2026_calls_keep_working()
    {
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        var statePort = FreePort.Next();
        var state = StateServiceApp.Build([], b =>
        {
            b.WebHost.UseUrls($"http://127.0.0.1:{statePort}");
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });
        });
        await state.StartAsync();
        await using var toolHost = await RunningApp.ToolHostAsync();
        var settings = Downstreams.Http("toolhost", toolHost.McpUri);
        settings["services:statesvc:http:0"] = $"http://127.0.0.1:{statePort}";
        settings["ConnectionStrings:redis"] = redis.ConnectionString;
        await using var a = await RunningApp.GatewayAsync(settings);
        await using var b = await RunningApp.GatewayAsync(settings);
        foreach (var gateway in new[] { a, b })
        {
            await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("toolhost") == "connected", "toolhost connected", 60);
        }

        // Every request of one 2025-11-25 session goes to the other replica than the one before.
        using var balancer = new AlternatingHandler(a.BaseAddress, b.BaseAddress);
        using var http = new HttpClient(balancer);
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = a.McpUri, TransportMode = HttpTransportMode.StreamableHttp }, http, ownsHttpClient: false);
        string sessionId;
        await using (var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2025-11-25" }))
        {
            for (var i = 0; i < 6; i++)
            {
                var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"call {i}" });
                Assert.Equal($"call {i}", result.Content.OfType<TextContentBlock>().Single().Text);
            }
            sessionId = client.SessionId!;
            Assert.True(balancer.PostsTo(a.BaseAddress) >= 3 && balancer.PostsTo(b.BaseAddress) >= 3, "requests went to both replicas");

            // The session carries the downstream's MCP client state in the state service.
            using var stateHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statePort}/") };
            var clients = await new McpAspire.StateService.Client.StateServiceClient(stateHttp).ListMcpClientsAsync("mcp-gateway", sessionId);
            var downstream = Assert.Single(clients!);
            Assert.Equal("toolhost", downstream.Name);
            Assert.Equal("connected", downstream.Status);
            Assert.True(downstream.ToolCount >= 1);
            Assert.False(string.IsNullOrEmpty(downstream.DownstreamSessionId));
            Assert.Equal("http", downstream.Metadata["transport"]);

            // The state service goes away: the session's requests get a clear 503, stateless 2026 calls still work.
            await state.StopAsync();
            await state.DisposeAsync();

            using var sessionCall = await PostAsync(a.Http, """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"message":"x"}}}""",
                ("Mcp-Session-Id", sessionId), ("MCP-Protocol-Version", "2025-11-25"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, sessionCall.StatusCode);
            using (var error = JsonDocument.Parse(await sessionCall.Content.ReadAsStringAsync()))
            {
                Assert.True(error.RootElement.GetProperty("error").GetProperty("code").GetInt32() < 0);
            }

            using var stateless = await PostAsync(b.Http,
                """{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"message":"still here"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"}}}}""",
                ("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/call"), ("Mcp-Name", "echo"));
            Assert.Equal(HttpStatusCode.OK, stateless.StatusCode);
            Assert.Contains("still here", await stateless.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await http.SendAsync(request);
    }
}
