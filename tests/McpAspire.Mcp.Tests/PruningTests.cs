using System.Net;
using McpAspire.Mcp.Sessions;
using McpAspire.Mcp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using McpAspire.Mcp.Hosting;

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

    /// <summary>A session store whose Touch fails like the state service answering 503, counting the attempts.</summary>
    private sealed class FailingTouchStore(IOptions<McpEndpointOptions> options, TimeProvider time) : IMcpSessionStore
    {
        private readonly InMemoryMcpSessionStore _inner = new(options, time);
        private int _failedTouches;

        public int FailedTouches => Volatile.Read(ref _failedTouches);

        public ValueTask CreateAsync(McpSessionRecord record, CancellationToken cancellationToken) => _inner.CreateAsync(record, cancellationToken);

        public ValueTask<McpSessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken) => _inner.GetAsync(sessionId, cancellationToken);

        public ValueTask<bool> TouchAsync(string sessionId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _failedTouches);
            throw new McpSessionStoreUnavailableException("state service answered 503");
        }

        public ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken) => _inner.DeleteAsync(sessionId, cancellationToken);
    }

    [Fact]
    public async Task A_store_that_is_down_does_not_end_the_pruner_or_the_host()
    {
        await using var server = await McpTestServer.StartAsync(o => o.PruneInterval = TimeSpan.FromMilliseconds(50),
            s => s.AddSingleton<IMcpSessionStore, FailingTouchStore>());
        using var http = new HttpClient();
        var listening = await RawMcp.InitializeAsync(http, server.McpUri);
        using var get = await http.SendAsync(SessionTests.Get(server.McpUri, listening), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);

        // Every pass touches the listening session's record and fails; the pruner goes on to the next pass.
        var store = (FailingTouchStore)server.Service<IMcpSessionStore>();
        var pruner = server.App.Services.GetServices<IHostedService>().OfType<McpSessionPruner>().Single();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (store.FailedTouches < 3)
        {
            Assert.False(pruner.ExecuteTask!.IsCompleted, "the pruner ended: " + pruner.ExecuteTask.Exception);
            await Task.Delay(20, wait.Token);
        }
        Assert.False(pruner.ExecuteTask!.IsCompleted, "the pruner ended: " + pruner.ExecuteTask.Exception);
        var lifetime = server.App.Services.GetRequiredService<IHostApplicationLifetime>();
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.NotEmpty(await RawMcp.InitializeAsync(http, server.McpUri)); // still serving
    }
}
