using System.Net;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.EndToEnd.Tests;

/// <summary>
/// The real AppHost under Aspire.Hosting.Testing: every resource healthy, MCP tool calls through the gateway's front
/// port in both protocol eras (anonymous: run mode without Gateway:Auth), the service key enforced between services and
/// no secret in any console log.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RunningAppTests
{
    private readonly AppFixture _fixture;

    public RunningAppTests(AppFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task Every_resource_is_running_and_healthy_and_the_gateway_has_two_replicas()
    {
        Assert.Equal(2, (await _fixture.ReplicasAsync("gateway")).Count);
        foreach (var resource in AppFixture.Resources)
        {
            var replicas = await _fixture.ReplicasAsync(resource);
            Assert.NotEmpty(replicas);
            foreach (var (replica, snapshot) in replicas)
            {
                Assert.True(snapshot.State?.Text == KnownResourceStates.Running, $"{replica} is {snapshot.State?.Text}");
                Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, snapshot.HealthStatus);
            }
        }
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData(null)]
    public async Task A_tool_call_through_the_gateway_front_port_is_answered_by_the_tool_host(string? protocolVersion)
    {
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = _fixture.GatewayMcpUrl,
            TransportMode = HttpTransportMode.StreamableHttp,
        }), new McpClientOptions { ProtocolVersion = protocolVersion });
        for (var i = 0; i < 3; i++)
        {
            var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"through the gateway {protocolVersion} {i}" });
            Assert.Equal($"through the gateway {protocolVersion} {i}", string.Join("", result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
        }
    }

    [Fact]
    public async Task Services_refuse_callers_without_the_service_key_and_no_console_log_shows_a_secret()
    {
        var serviceKey = await _fixture.ParameterValueAsync("service-key");
        var redisPassword = await _fixture.ParameterValueAsync("redis-password");
        Assert.True(serviceKey.Length >= 32);
        Assert.True(redisPassword.Length >= 22);
        var connectionString = await _fixture.App.GetConnectionStringAsync("redis");
        Assert.EndsWith(",password=" + redisPassword, connectionString, StringComparison.Ordinal);

        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var toolHostMcp = new Uri(_fixture.App.GetEndpoint("toolhost", "http"), "/mcp");
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
        using (var sessions = new HttpRequestMessage(HttpMethod.Post, new Uri(_fixture.App.GetEndpoint("statesvc", "http"), "/sessions")))
        {
            sessions.Headers.Add("X-McpAspire-Principal", "mallory");
            sessions.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            using var refused = await direct.SendAsync(sessions);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        // The probes Aspire's health checks use stay open.
        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync(new Uri(_fixture.App.GetEndpoint("statesvc", "http"), "/health"))).StatusCode);

        // The console output of every process, as the dashboard's console log page shows it.
        var logs = _fixture.App.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var resource in AppFixture.Resources)
        {
            foreach (var replica in (await _fixture.ReplicasAsync(resource)).Keys)
            {
                var lines = new StringBuilder();
                using var backlog = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await foreach (var batch in logs.WatchAsync(replica).WithCancellation(backlog.Token))
                    {
                        foreach (var line in batch)
                        {
                            lines.AppendLine(line.Content);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // The backlog came first; live lines are not needed.
                }
                Assert.DoesNotContain(serviceKey, lines.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain(redisPassword, lines.ToString(), StringComparison.Ordinal);
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
