using System.Collections.Concurrent;
using McpAspire.TestSupport;

namespace McpAspire.Redis.Tests;

/// <summary>Each test owns its server so it can kill it (by PID) and start it again on the same port.</summary>
public sealed class FaultTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(RedisServerKind.Redis)]
    [InlineData(RedisServerKind.Garnet)]
    public async Task Server_killed_mid_load_fails_in_flight_commands_fast_then_recovers_with_pubsub(RedisServerKind kind)
    {
        await using var server = await RedisServerProcess.StartAsync(kind);
        // A long asyncTimeout: a command that waited for it would surface as RedisTimeoutException, so seeing only
        // RedisConnectionException proves in-flight commands failed when the socket died, not when a timer fired.
        var log = new StringWriter();
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",asyncTimeout=60000,reconnectBaseDelay=50,reconnectMaxDelay=400", log);
        var db = client.GetDatabase();
        var failures = new ConcurrentQueue<(ConnectionType Type, ConnectionFailureType Failure)>();
        var restored = new ConcurrentQueue<ConnectionType>();
        client.ConnectionFailed += (_, e) => failures.Enqueue((e.ConnectionType, e.FailureType));
        client.ConnectionRestored += (_, e) => restored.Enqueue(e.ConnectionType);

        var channel = RedisChannel.Literal(Keys.New("fault"));
        var queue = await client.GetSubscriber().SubscribeAsync(channel);
        Assert.Equal(1, await db.PublishAsync(channel, "before"));
        Assert.Equal("before", (string?)(await queue.ReadAsync().AsTask().WaitAsync(Bound)).Message);

        using var stopLoad = new CancellationTokenSource();
        var succeeded = 0L;
        var errors = new ConcurrentQueue<Exception>();
        var load = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var i = 0;
            while (!stopLoad.IsCancellationRequested)
            {
                try
                {
                    await db.StringSetAsync($"load:{worker}:{i % 100}", i);
                    Interlocked.Increment(ref succeeded);
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                    if (errors.Count > 10_000)
                    {
                        return;
                    }
                }
                i++;
            }
        })).ToArray();

        await WaitUntilAsync(() => Interlocked.Read(ref succeeded) > 2000, "load to get going");
        var before = Interlocked.Read(ref succeeded);
        await WaitUntilAsync(() => Interlocked.Read(ref succeeded) > before + 200, () => $"load to keep going before the kill ({client.Interactive.Current?.Diagnostics})");
        var pid = server.Pid!.Value;
        // Freeze the server first (SIGSTOP) so commands are certainly in flight when it dies; without this the
        // kill can land between replies, and later commands rightly wait for the reconnect instead of failing.
        await SignalAsync(pid, "STOP");
        await WaitUntilAsync(() => client.Interactive.Current?.PendingCount >= 16, () => $"commands to queue up on the frozen server ({client.Interactive.Current?.Diagnostics})");
        var atKill = Interlocked.Read(ref succeeded);
        await server.KillAsync();
        Assert.False(ProcessExists(pid));
        await WaitUntilAsync(() => errors.Count >= 16, () => $"in-flight commands to fail (errors={errors.Count}, connected={client.IsConnected}, failed events={string.Join(",", failures)}, succeeded at kill={atKill} now={Interlocked.Read(ref succeeded)})\n{log}");
        await WaitUntilAsync(() => failures.Any(f => f.Type == ConnectionType.Interactive), "ConnectionFailed");
        Assert.False(client.IsConnected);

        await server.StartAgainAsync();
        await WaitUntilAsync(() => client.IsConnected && restored.Contains(ConnectionType.Interactive), "ConnectionRestored (commands)");
        var afterRestart = Interlocked.Read(ref succeeded);
        await WaitUntilAsync(() => Interlocked.Read(ref succeeded) > afterRestart + 1000, "load to succeed again");
        await stopLoad.CancelAsync();
        await Task.WhenAll(load).WaitAsync(Bound);

        Assert.All(errors, e => Assert.True(e is RedisConnectionException, e.ToString()));
        Assert.DoesNotContain(errors, e => e is RedisTimeoutException);

        var key = Keys.New();
        Assert.True(await db.StringSetAsync(key, "after"));
        Assert.Equal("after", (string?)await db.StringGetAsync(key));

        // Pub/sub resubscribed by itself on the restarted server.
        await WaitUntilAsync(() => restored.Contains(ConnectionType.Subscription), "ConnectionRestored (subscription)");
        await WaitUntilAsync(async () => await db.PublishAsync(channel, "after") == 1, "the subscription to be back");
        ChannelMessage message;
        do
        {
            message = await queue.ReadAsync().AsTask().WaitAsync(Bound);
        }
        while ((string?)message.Message != "after");
    }

    [Fact]
    public async Task Frozen_server_times_commands_out_drops_the_silent_connection_and_recovers_after_it_resumes()
    {
        await using var server = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",asyncTimeout=300,reconnectBaseDelay=50,reconnectMaxDelay=300,connectTimeout=500");
        var db = client.GetDatabase();
        var failed = new TaskCompletionSource<ConnectionFailedEventArgs>();
        client.ConnectionFailed += (_, e) => failed.TrySetResult(e);
        Assert.True(await db.StringSetAsync("k", "v"));
        var pid = server.Pid!.Value;
        await SignalAsync(pid, "STOP");
        try
        {
            await Assert.ThrowsAsync<RedisTimeoutException>(() => db.StringGetAsync("k").WaitAsync(Bound));
            var failure = await failed.Task.WaitAsync(Bound);
            Assert.Contains("No data from", failure.Exception!.Message, StringComparison.Ordinal);
        }
        finally
        {
            await SignalAsync(pid, "CONT");
        }
        await WaitUntilAsync(async () => (string?)await db.StringGetAsync("k") == "v", "commands to succeed after the server resumed");
    }

    [Fact]
    public async Task App_starts_while_redis_is_down_and_recovers_when_it_comes_up()
    {
        await using var server = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        await server.KillAsync();
        var options = ConfigurationOptions.Parse(server.ConnectionString + ",asyncTimeout=300,reconnectBaseDelay=50,reconnectMaxDelay=300");
        await using var client = ConnectionMultiplexer.CreateLazy(options);
        Assert.False(client.IsConnected);
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetDatabase().StringGetAsync("k").WaitAsync(Bound));
        Assert.Contains("No connection", ex.Message, StringComparison.Ordinal);

        await server.StartAgainAsync();
        await WaitUntilAsync(() => client.IsConnected, "the background connect");
        Assert.True(await client.GetDatabase().StringSetAsync("k", "v"));
    }

    [Fact]
    public async Task Connect_fails_clearly_for_a_wrong_password_and_for_a_dead_port()
    {
        await using var server = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        var wrong = await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},password=nope"));
        Assert.Equal(ConnectionFailureType.AuthenticationFailure, wrong.FailureType);
        Assert.Contains("WRONGPASS", wrong.Message, StringComparison.Ordinal);

        // RESP2 sends no handshake, so a missing password shows up on the first command, with the server's text.
        await using (var anonymous = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},protocol=resp2"))
        {
            var noAuth = await Assert.ThrowsAsync<RedisServerException>(() => anonymous.GetDatabase().PingAsync());
            Assert.StartsWith("NOAUTH", noAuth.Message, StringComparison.Ordinal);
        }

        var port = FreePort.Next();
        var dead = await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectRetry=1,connectTimeout=1000"));
        Assert.Equal(ConnectionFailureType.UnableToConnect, dead.FailureType);
        Assert.Contains($"127.0.0.1:{port}", dead.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Canceled_command_returns_at_once_and_the_connection_stays_in_step()
    {
        await using var server = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var db = client.GetDatabase();
        using var cts = new CancellationTokenSource();
        // DEBUG SLEEP holds the server; the caller gives up without waiting for it.
        var slow = db.ExecuteAsync("DEBUG", ["SLEEP", "0.5"], cancellationToken: cts.Token);
        var next = db.StringSetAsync("k", "v");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
        Assert.True(await next.WaitAsync(Bound));
        Assert.Equal("v", (string?)await db.StringGetAsync("k"));
    }

    [Fact]
    public async Task Slow_reply_beyond_async_timeout_raises_timeout_exception()
    {
        await using var server = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",asyncTimeout=200");
        var db = client.GetDatabase();
        var ex = await Assert.ThrowsAsync<RedisTimeoutException>(() => db.ExecuteAsync("DEBUG", "SLEEP", "1").WaitAsync(Bound));
        Assert.Contains("DEBUG", ex.Message, StringComparison.Ordinal);
        // The late reply is consumed and discarded; the next command gets its own reply.
        await WaitUntilAsync(async () => (string?)await db.ExecuteAsync("ECHO", "x") == "x", "the connection to serve again");
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), () => what);

    private static Task WaitUntilAsync(Func<bool> condition, Func<string> what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => WaitUntilAsync(condition, () => what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + Bound;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (RedisException ex)
            {
                last = ex;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"Waited {Bound.TotalSeconds} s for {what()}. Last error: {last?.Message ?? "none"}");
    }
}
