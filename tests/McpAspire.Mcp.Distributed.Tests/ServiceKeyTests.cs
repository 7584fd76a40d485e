using System.Net;
using McpAspire.TestSupport;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.Mcp.Distributed.Tests;

/// <summary>
/// Tool host replicas keep 2025-era sessions in a state service that demands the service key (as under the AppHost):
/// replicas holding the key serve one session between them; a replica with a wrong key cannot open one, and says so
/// clearly instead of failing with a 500.
/// </summary>
public sealed class ServiceKeyTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private const string Key = "cluster-service-key-0123456789abcdef";
    private Cluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await Cluster.StartAsync(redis.Server.ConnectionString, Key);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Replicas_with_the_key_share_a_session_and_a_replica_with_a_wrong_key_is_refused()
    {
        var a = await _cluster.StartReplicaAsync();
        var b = await _cluster.StartReplicaAsync();
        using var alternating = new AlternatingHandler(a.McpUri, b.McpUri);
        using var http = new HttpClient(alternating);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using (var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = a.McpUri,
                TransportMode = HttpTransportMode.StreamableHttp,
                // The replicas demand the key of their callers too (the gateway's role here).
                AdditionalHeaders = new Dictionary<string, string> { ["X-McpAspire-Service-Key"] = Key },
            }, http),
            new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: cts.Token))
        {
            for (var i = 0; i < 4; i++)
            {
                var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"keyed {i}" }, cancellationToken: cts.Token);
                Assert.Equal($"keyed {i}", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
            }
        }
        Assert.True(alternating.PostsTo(b.McpUri) >= 2);

        const string IntruderKey = "not-the-cluster-key-0123456789";
        var intruder = await _cluster.StartReplicaAsync(serviceKey: IntruderKey);
        using var raw = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        // Past the intruder's own check (its key), its call to the state service is refused: 503 with a JSON-RPC error.
        var initialize = RawMcp.Post(intruder.McpUri, RawMcp.InitializeBody, null);
        initialize.Headers.Add("X-McpAspire-Service-Key", IntruderKey);
        var response = await RawMcp.SendAsync(raw, initialize);
        Assert.True(response.Status == HttpStatusCode.ServiceUnavailable, $"{(int)response.Status}: {response.Body}");
        Assert.Contains(response.Messages, m => m.TryGetProperty("error", out _));
    }
}
