using McpAspire.StateService;
using McpAspire.StateService.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace McpAspire.Gateway.Tests;

/// <summary>The downstream client records of live sessions follow the downstream's status and tool count.</summary>
public sealed class DownstreamClientRecordTests
{
    [Fact]
    public async Task Records_of_live_sessions_follow_a_downstream_going_away_and_coming_back()
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
        try
        {
            var toolHostPort = FreePort.Next();
            RunningApp? toolHost = await RunningApp.ToolHostAsync(toolHostPort);
            try
            {
                var settings = Downstreams.Http("toolhost", toolHost.McpUri);
                settings["services:statesvc:http:0"] = $"http://127.0.0.1:{statePort}";
                settings["ConnectionStrings:redis"] = redis.ConnectionString;
                await using var gateway = await RunningApp.GatewayAsync(settings);
                await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("toolhost") == "connected", "toolhost connected", 60);

                var sessions = new[] { await RawMcp.InitializeAsync(gateway.Http, gateway.McpUri), await RawMcp.InitializeAsync(gateway.Http, gateway.McpUri) };
                using var stateHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statePort}/") };
                var records = new StateServiceClient(stateHttp);
                var initial = new List<McpClientRecord>();
                foreach (var sid in sessions)
                {
                    initial.Add(Assert.Single((await records.ListMcpClientsAsync("mcp-gateway", sid))!));
                }
                Assert.All(initial, r => Assert.Equal("connected", r.Status));
                var tools = initial[0].ToolCount;
                Assert.True(tools >= 1);

                // The tool host goes away: every live session's record says so, with no tools.
                await toolHost.DisposeAsync();
                toolHost = null;
                await Eventually.HoldsAsync(async () => await AllAsync(records, sessions, r => r.Status == "reconnecting" && r.ToolCount == 0),
                    "both sessions' records show the tool host reconnecting with no tools");

                // Back on the same port: connected again, with its tools and its new downstream session.
                toolHost = await RunningApp.ToolHostAsync(toolHostPort);
                await Eventually.HoldsAsync(async () => await AllAsync(records, sessions, r => r.Status == "connected" && r.ToolCount == tools),
                    "both sessions' records show the tool host connected again", 60);
                var renewed = await records.GetMcpClientAsync("mcp-gateway", sessions[0], "toolhost");
                Assert.False(string.IsNullOrEmpty(renewed!.DownstreamSessionId));
                Assert.NotEqual(initial[0].DownstreamSessionId, renewed.DownstreamSessionId);
            }
            finally
            {
                if (toolHost is not null)
                {
                    await toolHost.DisposeAsync();
                }
            }
        }
        finally
        {
            await state.StopAsync();
            await state.DisposeAsync();
        }
    }

    private static async Task<bool> AllAsync(StateServiceClient records, IEnumerable<string> sessions, Func<McpClientRecord, bool> condition)
    {
        foreach (var sid in sessions)
        {
            if (await records.GetMcpClientAsync("mcp-gateway", sid, "toolhost") is not { } record || !condition(record))
            {
                return false;
            }
        }
        return true;
    }
}
