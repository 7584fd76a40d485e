using System.Net;
using McpAspire.Mcp.Sessions;
using McpAspire.Mcp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace McpAspire.Mcp.Tests;

/// <summary>Idle sessions are pruned (live server, record and events); a session with an open GET stream is not.</summary>
public sealed class PruningTests
{
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = DateTimeOffset.UnixEpoch.AddYears(56).Ticks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    [Fact]
    public async Task Idle_session_is_pruned_and_then_answers_404()
    {
        var clock = new ManualClock();
        await using var server = await McpTestServer.StartAsync(o => o.SessionIdleTimeout = TimeSpan.FromMinutes(5), s => s.AddSingleton<TimeProvider>(clock));
        using var http = new HttpClient();
        var idle = await RawMcp.InitializeAsync(http, server.McpUri);
        var listening = await RawMcp.InitializeAsync(http, server.McpUri);
        using var get = await http.SendAsync(SessionTests.Get(server.McpUri, listening), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);

        clock.Advance(TimeSpan.FromMinutes(6));
        var pruner = server.App.Services.GetServices<IHostedService>().OfType<McpSessionPruner>().Single();
        Assert.Equal(1, await pruner.PruneOnceAsync(CancellationToken.None));

        var gone = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", idle));
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.True(server.Service<McpLiveSessionRegistry>().TryGet(listening, out _)); // its GET stream keeps it alive here
    }
}
