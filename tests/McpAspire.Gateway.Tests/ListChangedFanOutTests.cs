using McpAspire.Gateway.Front;
using McpAspire.TestSupport;

namespace McpAspire.Gateway.Tests;

/// <summary>
/// list_changed goes out to many sessions and listen streams at once (<see cref="NotificationHub.BroadcastConcurrency"/>
/// at a time): more sessions than that, each with only its GET stream open, and listen streams, all hear it once.
/// </summary>
public sealed class ListChangedFanOutTests
{
    [Fact]
    public async Task Every_GET_stream_and_listen_stream_hears_list_changed_when_there_are_more_than_the_broadcast_runs_at_once()
    {
        var toolHost = await RunningApp.ToolHostAsync();
        await using var gateway = await RunningApp.GatewayAsync(Downstreams.Http("toolhost", toolHost.McpUri));
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("toolhost") == "connected", "connected", 60);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        var streams = new List<SseStream>();
        try
        {
            for (var i = 0; i < NotificationHub.BroadcastConcurrency + 36; i++)
            {
                var session = await RawMcp.InitializeAsync(http, gateway.McpUri);
                streams.Add(await SseStream.OpenAsync(http, gateway.McpUri, session));
            }
            for (var i = 0; i < 3; i++)
            {
                var listen = await SseStream.PostAsync(http, gateway.McpUri,
                    $$$"""{"jsonrpc":"2.0","id":"listen-{{{i}}}","method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},{{{RawMcp.Meta2026}}}}}""",
                    ("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "subscriptions/listen"));
                streams.Add(listen);
                Assert.Contains("notifications/subscriptions/acknowledged", (await listen.NextMessageAsync("the acknowledgement")).Data, StringComparison.Ordinal);
            }

            // The downstream goes away: its tools leave the catalog and every client is told.
            await toolHost.DisposeAsync();

            await Task.WhenAll(streams.Select(async (stream, i) =>
            {
                var message = await stream.NextMessageAsync($"list_changed on stream {i}");
                Assert.Contains("notifications/tools/list_changed", message.Data, StringComparison.Ordinal);
            }));
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }
}
