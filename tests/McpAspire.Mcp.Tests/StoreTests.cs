using McpAspire.Mcp.Events;
using McpAspire.Mcp.Hosting;
using McpAspire.Mcp.Sessions;
using Microsoft.Extensions.Options;

namespace McpAspire.Mcp.Tests;

/// <summary>Unit tests of the in-memory stores and the event-id format (a manual clock stands in for time).</summary>
public sealed class StoreTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Session_record_expires_after_idle_timeout_and_access_slides_it()
    {
        var clock = new ManualClock();
        var store = new InMemoryMcpSessionStore(Options.Create(new McpEndpointOptions { SessionIdleTimeout = TimeSpan.FromMinutes(10) }), clock);
        await store.CreateAsync(new McpSessionRecord("a", null, "2025-11-25", null, clock.Now, clock.Now), CancellationToken.None);
        await store.CreateAsync(new McpSessionRecord("b", null, "2025-11-25", null, clock.Now, clock.Now), CancellationToken.None);

        clock.Now += TimeSpan.FromMinutes(8);
        Assert.True(await store.TouchAsync("a", CancellationToken.None));
        clock.Now += TimeSpan.FromMinutes(8);

        Assert.Equal(["b"], store.PruneIdle());
        Assert.NotNull(await store.GetAsync("a", CancellationToken.None));
        Assert.Null(await store.GetAsync("b", CancellationToken.None));
        clock.Now += TimeSpan.FromMinutes(11);
        Assert.Null(await store.GetAsync("a", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await store.CreateAsync(new McpSessionRecord("x", null, "v", null, clock.Now, clock.Now), CancellationToken.None);
            await store.CreateAsync(new McpSessionRecord("x", null, "v", null, clock.Now, clock.Now), CancellationToken.None);
        });
    }

    [Fact]
    public async Task Event_store_caps_each_stream_and_reads_after_a_sequence()
    {
        var store = new InMemoryMcpEventStore(Options.Create(new McpEndpointOptions { MaxEventsPerStream = 3 }));
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(i, await store.AppendAsync("s", "1", new[] { (byte)('0' + i) }, null, CancellationToken.None));
        }
        await store.CompleteAsync("s", "1", CancellationToken.None);

        var all = new List<long>();
        await foreach (var e in store.ReadAfterAsync("s", "1", 0, follow: true, CancellationToken.None))
        {
            all.Add(e.Sequence);
        }
        Assert.Equal([3L, 4L, 5L], all);
        var after4 = new List<long>();
        await foreach (var e in store.ReadAfterAsync("s", "1", 4, follow: false, CancellationToken.None))
        {
            after4.Add(e.Sequence);
        }
        Assert.Equal([5L], after4);
        await store.DeleteSessionAsync("s", CancellationToken.None);
        Assert.False(await store.ExistsAsync("s", "1", CancellationToken.None));
    }

    [Fact]
    public async Task Following_reader_receives_events_appended_later_and_stops_at_completion()
    {
        var store = new InMemoryMcpEventStore(Options.Create(new McpEndpointOptions()));
        await store.AppendAsync("s", "get", "a"u8.ToArray(), null, CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var reading = Task.Run(async () =>
        {
            var seen = new List<long>();
            await foreach (var e in store.ReadAfterAsync("s", "get", 1, follow: true, cts.Token))
            {
                seen.Add(e.Sequence);
            }
            return seen;
        });
        await store.AppendAsync("s", "get", "b"u8.ToArray(), null, CancellationToken.None);
        await store.AppendAsync("s", "get", "c"u8.ToArray(), null, CancellationToken.None);
        await store.CompleteAsync("s", "get", CancellationToken.None);
        Assert.Equal([2L, 3L], await reading);
    }

    [Fact]
    public async Task Event_store_drops_the_oldest_finished_streams_of_a_session_beyond_the_cap()
    {
        var store = new InMemoryMcpEventStore(Options.Create(new McpEndpointOptions { MaxStreamsPerSession = 3 }));
        await store.AppendAsync("s", "open", "x"u8.ToArray(), null, CancellationToken.None); // never completed
        for (var i = 1; i <= 4; i++)
        {
            await store.AppendAsync("s", $"r{i}", "x"u8.ToArray(), null, CancellationToken.None);
            await store.CompleteAsync("s", $"r{i}", CancellationToken.None);
        }

        Assert.True(await store.ExistsAsync("s", "open", CancellationToken.None));
        Assert.False(await store.ExistsAsync("s", "r1", CancellationToken.None));
        Assert.False(await store.ExistsAsync("s", "r2", CancellationToken.None));
        Assert.True(await store.ExistsAsync("s", "r3", CancellationToken.None));
        Assert.True(await store.ExistsAsync("s", "r4", CancellationToken.None));
    }

    [Theory]
    [InlineData("abc", "1", 1)]
    [InlineData("Zx-_9", "req.with.dots:and:colons", 42)]
    [InlineData("s", "__get__", long.MaxValue)]
    public void Event_id_round_trips(string session, string stream, long sequence)
    {
        var id = McpEventId.Format(session, stream, sequence);
        Assert.True(McpEventId.TryParse(id, out var s, out var st, out var n));
        Assert.Equal((session, stream, sequence), (s, st, n));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a..1")]
    [InlineData("a.MQ.")]
    [InlineData("a.MQ.-1")]
    [InlineData("a.!!.1")]
    [InlineData(".MQ.1")]
    public void Malformed_event_ids_are_refused(string id) => Assert.False(McpEventId.TryParse(id, out _, out _, out _));
}
