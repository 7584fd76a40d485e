using System.Text;

namespace McpAspire.Redis.Tests;

/// <summary>A fake server sends malformed, truncated or unexpected frames: the client raises an exception, never hangs or crashes.</summary>
public sealed class ProtocolFailureTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static async Task<Exception> FirstCommandFailsAsync(Func<int, byte[], byte[]?> script)
    {
        await using var server = new FakeRedisServer(script);
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var db = client.GetDatabase();
        return await Assert.ThrowsAnyAsync<Exception>(() => db.StringGetAsync("key").WaitAsync(Bound));
    }

    private static Func<int, byte[], byte[]?> Reply(string text) => (_, _) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData("?what\r\n", "Invalid RESP type byte")]
    [InlineData("$abc\r\nxyz\r\n", "Invalid RESP integer")]
    [InlineData("$-5\r\n", "Invalid RESP bulk length")]
    [InlineData("$3\r\nabcXY", "not terminated by CRLF")]
    [InlineData("*-7\r\n", "Invalid RESP aggregate count")]
    [InlineData(":12a\r\n", "Invalid RESP integer")]
    [InlineData("$99999999999\r\n", "Invalid RESP bulk length")]
    public async Task Malformed_frame_fails_the_command_with_a_protocol_error(string reply, string expected)
    {
        var ex = await FirstCommandFailsAsync(Reply(reply));
        var protocol = Assert.IsType<RedisProtocolException>(ex);
        Assert.Contains(expected, protocol.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectionFailureType.ProtocolFailure, protocol.FailureType);
    }

    [Fact]
    public async Task Nesting_bomb_is_refused()
    {
        var ex = await FirstCommandFailsAsync(Reply(string.Concat(Enumerable.Repeat("*1\r\n", 200)) + ":1\r\n"));
        Assert.Contains("nesting", Assert.IsType<RedisProtocolException>(ex).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endless_line_without_crlf_is_refused()
    {
        var ex = await FirstCommandFailsAsync((_, _) => Encoding.ASCII.GetBytes("+" + new string('x', 1_100_000)));
        Assert.Contains("without CRLF", Assert.IsType<RedisProtocolException>(ex).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_frame_then_close_fails_with_a_mid_reply_connection_error()
    {
        await using var server = new FakeRedisServer(Reply("$10\r\nabc"), closeAfterReply: true);
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var ex = await Assert.ThrowsAnyAsync<RedisConnectionException>(() => client.GetDatabase().StringGetAsync("k").WaitAsync(Bound));
        Assert.Contains("middle of a reply", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_closing_mid_reply_is_reported_as_such()
    {
        await using var server = new FakeRedisServer((_, _) => null);
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetDatabase().StringGetAsync("k").WaitAsync(Bound));
        Assert.Contains("closed the connection", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_frame_on_open_connection_times_out_instead_of_hanging()
    {
        var ex = await FirstCommandFailsAsync(Reply("$10\r\nabc"));
        var timeout = Assert.IsType<RedisTimeoutException>(ex);
        Assert.Contains("GET", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsolicited_reply_drops_the_connection_and_a_new_one_serves()
    {
        await using var server = new FakeRedisServer((connection, _) => connection == 0 ? "+OK\r\n+SURPRISE\r\n"u8.ToArray() : "+FRESH\r\n"u8.ToArray());
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var failed = new TaskCompletionSource<ConnectionFailedEventArgs>();
        var restored = new TaskCompletionSource();
        client.ConnectionFailed += (_, e) => failed.TrySetResult(e);
        client.ConnectionRestored += (_, _) => restored.TrySetResult();
        var db = client.GetDatabase();
        Assert.Equal("OK", (string?)await db.StringGetAsync("a").WaitAsync(Bound));
        var failure = await failed.Task.WaitAsync(Bound);
        Assert.Equal(ConnectionFailureType.ProtocolFailure, failure.FailureType);
        Assert.Contains("no command waiting", failure.Exception!.Message, StringComparison.Ordinal);
        await restored.Task.WaitAsync(Bound);
        Assert.Equal("FRESH", (string?)await db.StringGetAsync("b").WaitAsync(Bound));
    }

    [Fact]
    public async Task Reply_trickling_in_one_byte_at_a_time_parses()
    {
        await using var server = new FakeRedisServer((_, _) => "*3\r\n$5\r\nhello\r\n:42\r\n%1\r\n+k\r\n,1.5\r\n"u8.ToArray(), trickle: true);
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var result = await client.GetDatabase().ExecuteAsync("ANY").WaitAsync(Bound);
        Assert.Equal("hello", (string?)result[0]);
        Assert.Equal(42, (long)result[1]);
        Assert.Equal(1.5, (double)result[2].ToDictionary()["k"]);
    }

    [Fact]
    public async Task Moved_is_reported_as_unsupported_cluster_redirect()
    {
        var ex = await FirstCommandFailsAsync(Reply("-MOVED 3999 127.0.0.1:6381\r\n"));
        var moved = Assert.IsType<RedisClusterRedirectException>(ex);
        Assert.Equal(3999, moved.Slot);
        Assert.Equal("127.0.0.1:6381", moved.TargetEndPoint);
        Assert.Contains("cluster routing", moved.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_error_text_is_kept_and_the_connection_stays_usable()
    {
        var calls = 0;
        await using var server = new FakeRedisServer((_, _) => Interlocked.Increment(ref calls) == 1 ? "-ERR custom failure text\r\n"u8.ToArray() : "$2\r\nok\r\n"u8.ToArray());
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var db = client.GetDatabase();
        var ex = await Assert.ThrowsAsync<RedisServerException>(() => db.StringGetAsync("k").WaitAsync(Bound));
        Assert.Equal("ERR custom failure text", ex.Message);
        Assert.Equal("ok", (string?)await db.StringGetAsync("k").WaitAsync(Bound));
    }
}
