using System.Text;
using McpAspire.Mcp.Distributed.Events;
using McpAspire.Mcp.Distributed.Hosting;
using McpAspire.Mcp.Distributed.Sessions;
using McpAspire.Mcp.Events;
using McpAspire.Mcp.Hosting;
using McpAspire.Mcp.Sessions;
using McpAspire.StateService.Client;
using Microsoft.Extensions.Options;

namespace McpAspire.Mcp.Distributed.Tests;

/// <summary>The state service event store against the real state service: follow = subscribe, read, dedupe.</summary>
public sealed class StateEventStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private Cluster _cluster = null!;
    private HttpClient _http = null!;
    private StateServiceMcpEventStore _events = null!;
    private StateServiceMcpSessionStore _sessions = null!;

    public async Task InitializeAsync()
    {
        _cluster = await Cluster.StartAsync(redis.Server.ConnectionString);
        _http = new HttpClient { BaseAddress = _cluster.StateAddress, Timeout = TimeSpan.FromSeconds(10) };
        var client = new StateServiceClient(_http);
        var options = Options.Create(new StateServiceMcpStoreOptions());
        _events = new StateServiceMcpEventStore(client, options);
        _sessions = new StateServiceMcpSessionStore(client, options, Options.Create(new McpEndpointOptions()));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<string> NewSessionAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        await _sessions.CreateAsync(new McpSessionRecord(id, null, "2025-11-25", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), CancellationToken.None);
        return id;
    }

    [Fact]
    public async Task Follower_started_mid_way_sees_every_event_of_concurrent_appenders_once_and_in_order()
    {
        var sid = await NewSessionAsync();
        const int PerAppender = 60;
        var firstHalf = new TaskCompletionSource();
        async Task AppendAsync(string who)
        {
            for (var i = 0; i < PerAppender; i++)
            {
                await _events.AppendAsync(sid, "shared stream", Encoding.UTF8.GetBytes($"{{\"who\":\"{who}\",\"i\":{i}}}"), null, CancellationToken.None);
                // Noise on another stream of the same session, which the follower must skip.
                await _events.AppendAsync(sid, "other", "{}"u8.ToArray(), null, CancellationToken.None);
                if (i == PerAppender / 2)
                {
                    firstHalf.TrySetResult();
                }
            }
        }
        var appenders = Task.WhenAll(Task.Run(() => AppendAsync("a")), Task.Run(() => AppendAsync("b")));
        await firstHalf.Task;

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var followed = new List<McpStoredEvent>();
        var follower = Task.Run(async () =>
        {
            await foreach (var e in _events.ReadAfterAsync(sid, "shared stream", 0, follow: true, timeout.Token))
            {
                followed.Add(e);
            }
        });
        await appenders;
        await _events.CompleteAsync(sid, "shared stream", CancellationToken.None);
        await follower; // ends at the completion marker

        Assert.Equal(2 * PerAppender, followed.Count);
        Assert.Equal(followed.Count, followed.Select(e => e.Sequence).Distinct().Count());
        Assert.Equal(followed.Select(e => e.Sequence).Order(), followed.Select(e => e.Sequence));
        foreach (var who in new[] { "a", "b" })
        {
            var mine = followed.Select(e => Encoding.UTF8.GetString(e.Data.Span)).Where(s => s.Contains($"\"who\":\"{who}\"", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, PerAppender).Select(i => $"{{\"who\":\"{who}\",\"i\":{i}}}"), mine);
        }
        Assert.True(await _events.ExistsAsync(sid, "shared stream", CancellationToken.None));
        Assert.False(await _events.ExistsAsync(sid, "never written", CancellationToken.None));
    }

    [Fact]
    public async Task Follower_ends_when_the_session_is_deleted_and_reads_of_unknown_sessions_are_empty()
    {
        var sid = await NewSessionAsync();
        await _events.AppendAsync(sid, "s", "{\"n\":1}"u8.ToArray(), null, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var got = new List<long>();
        var first = new TaskCompletionSource();
        var follower = Task.Run(async () =>
        {
            await foreach (var e in _events.ReadAfterAsync(sid, "s", 0, follow: true, timeout.Token))
            {
                got.Add(e.Sequence);
                first.TrySetResult();
            }
        });
        await first.Task.WaitAsync(timeout.Token);
        Assert.True(await _sessions.DeleteAsync(sid, CancellationToken.None));
        await follower;
        Assert.Single(got);

        await foreach (var unused in _events.ReadAfterAsync("AAAAAAAAAAAAAAAAAAAAAA", "s", 0, follow: true, timeout.Token))
        {
            Assert.Fail("an unknown session has no events");
        }
        Assert.Equal(0, await _events.AppendAsync("not a valid id", "s", "{}"u8.ToArray(), null, CancellationToken.None));
    }

    [Fact]
    public async Task Store_calls_against_a_stopped_state_service_throw_store_unavailable()
    {
        var sid = await NewSessionAsync();
        await _cluster.StopStateServiceAsync();
        await Assert.ThrowsAsync<McpSessionStoreUnavailableException>(async () => await _sessions.GetAsync(sid, CancellationToken.None));
        await Assert.ThrowsAsync<McpSessionStoreUnavailableException>(async () => await _sessions.TouchAsync(sid, CancellationToken.None));
        await Assert.ThrowsAsync<McpSessionStoreUnavailableException>(async () => await _events.AppendAsync(sid, "s", "{}"u8.ToArray(), null, CancellationToken.None));
        await Assert.ThrowsAsync<McpSessionStoreUnavailableException>(async () =>
        {
            await foreach (var unused in _events.ReadAfterAsync(sid, "s", 0, follow: true, CancellationToken.None))
            {
            }
        });
        await _cluster.StartStateServiceAsync();
        Assert.NotNull(await _sessions.GetAsync(sid, CancellationToken.None));
    }
}
