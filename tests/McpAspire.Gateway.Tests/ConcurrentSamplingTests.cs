using System.Collections.Concurrent;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

// Sampling is deprecated in 2026-07-28; 2025-era clients and servers still use it, and that is what is tested here.
#pragma warning disable MCP9005

namespace McpAspire.Gateway.Tests;

/// <summary>
/// Server→client requests from one HTTP downstream while several clients have calls in flight on it: each session that
/// can answer them has its own downstream session, so each request reaches the client whose call caused it.
/// </summary>
public sealed class ConcurrentSamplingTests
{
    [Fact]
    public async Task Concurrent_sampling_requests_from_one_http_downstream_each_reach_the_client_whose_call_caused_them()
    {
        var port = FreePort.Next();
        await using var everything = await NodeServerProcess.StartAsync(
            NodePeers.PackageFile("@modelcontextprotocol/server-everything", "dist/index.js"), ["streamableHttp"], port,
            new Dictionary<string, string> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var gateway = await RunningApp.GatewayAsync(Downstreams.Http("everything", new Uri($"http://127.0.0.1:{port}/mcp")));
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("everything") == "connected", "server-everything (Streamable HTTP) connected", 60);

        var prompts = new ConcurrentDictionary<string, string>();
        var bothAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = 0;
        McpClientOptions Options(string who) => new()
        {
            Handlers = new McpClientHandlers
            {
                SamplingHandler = async (request, progress, ct) =>
                {
                    prompts[who] = string.Join(" ", request!.Messages.SelectMany(m => m.Content).OfType<TextContentBlock>().Select(t => t.Text));
                    if (Interlocked.Increment(ref asked) == 2)
                    {
                        bothAsked.TrySetResult();
                    }
                    // Answer only once both clients are being asked: both calls are in flight on the downstream together.
                    await bothAsked.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
                    return new CreateMessageResult { Model = "model-of-" + who, Role = Role.Assistant, Content = [new TextContentBlock { Text = who + " answers" }] };
                },
            },
        };

        await using var alice = await GatewayFixture.ConnectAsync(gateway.McpUri, "2025-11-25", Options("alice"));
        await using var bob = await GatewayFixture.ConnectAsync(gateway.McpUri, "2025-11-25", Options("bob"));
        Assert.Contains("trigger-sampling-request", (await alice.ListToolsAsync()).Select(t => t.Name));

        var calls = new[] { (Client: alice, Who: "alice"), (Client: bob, Who: "bob") }
            .Select(c => c.Client.CallToolAsync("trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "asked by " + c.Who }).AsTask())
            .ToArray();
        var all = Task.WhenAll(calls);
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(60))) != all)
        {
            Assert.Fail($"The calls did not finish within 60 s; sampling requests seen: {string.Join(", ", prompts.Select(p => p.Key + ": " + p.Value))}");
        }
        var results = await all;

        foreach (var (result, who, other) in new[] { (results[0], "alice", "bob"), (results[1], "bob", "alice") })
        {
            Assert.NotEqual(true, result.IsError);
            var text = string.Join("", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
            Assert.Contains($"{who} answers", text, StringComparison.Ordinal);
            Assert.DoesNotContain($"{other} answers", text, StringComparison.Ordinal);
            Assert.Contains("asked by " + who, prompts[who], StringComparison.Ordinal);
        }
        // One downstream session of its own per client, besides the shared connection.
        var stats = await gateway.StatsAsync();
        Assert.Equal(2, stats.GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "everything").GetProperty("dedicatedSessions").GetInt32());
    }
}
