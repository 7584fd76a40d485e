using System.Text.Json;
using McpAspire.TestSupport;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// The retry strategy of the error categories against a real server that stops answering (SIGSTOP: connections stay
/// open, commands time out) and comes back (SIGCONT): a read-only call is retried and succeeds, its cured failure kept in
/// the history with the attempts it took; a call that keeps failing is given up after the configured attempts; a send
/// (not idempotent) and a caller's mistake are never retried; the system status says Redis is not answering instead of
/// failing, and recovers.
/// </summary>
public abstract class ToolRetryTests
{
    private readonly RedisServerKind _kind;

    private protected ToolRetryTests(RedisServerKind kind) => _kind = kind;

    private sealed record Setup(RedisServerProcess Redis, ToolHostServer Server, AgentClient Client, CapturingLoggerProvider Logs) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
            await Redis.DisposeAsync();
        }
    }

    private async Task<Setup> StartAsync(int retryAttempts, CancellationToken cancellationToken, params (string Key, string Value)[] extra)
    {
        var redis = await RedisServerProcess.StartAsync(_kind, cancellationToken: cancellationToken);
        var logs = new CapturingLoggerProvider();
        // A 1 s command timeout, so a frozen server fails an attempt quickly.
        var server = await ToolHostServer.StartAsync(AgentSettings.For(redis.ConnectionString + ",asyncTimeout=1000",
            [("RetryAttempts", retryAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("RetryDelay", "00:00:00.300"), .. extra]), logs);
        var client = await AgentClient.ConnectAsync(server, cancellationToken: cancellationToken);
        await client.RegisterAsync("a1", ["work"], cancellationToken: cancellationToken);
        return new Setup(redis, server, client, logs);
    }

    private static int Retries(CapturingLoggerProvider logs, string tool) =>
        logs.Lines.Count(l => l.Contains($"Tool {tool} failed with a ", StringComparison.Ordinal) && l.Contains("retrying", StringComparison.Ordinal));

    // A failed call is an isError result or a JSON-RPC error, depending on where the SDK turned the exception into one.
    private static async Task AssertFailsAsync(Task<CallToolResult> call, Setup setup)
    {
        CallToolResult result;
        try
        {
            result = await call;
        }
        catch (McpException)
        {
            return;
        }
        if (result.IsError != true)
        {
            var state = File.Exists($"/proc/{setup.Redis.Pid}/stat") ? (await File.ReadAllTextAsync($"/proc/{setup.Redis.Pid}/stat")).Split(' ')[2] : "gone";
            Assert.Fail($"The call succeeded while the server (pid {setup.Redis.Pid}, state {state}) was frozen: {JsonSerializer.Serialize(result.StructuredContent)}\n{setup.Logs.Text}");
        }
    }

    private static async Task<JsonElement> HistoryEntryAsync(AgentClient client, string tool, CancellationToken cancellationToken)
    {
        JsonElement entry = default;
        await Eventually.HoldsAsync(async () =>
        {
            var report = await client.CallAsync("errors_list", null, cancellationToken);
            var found = report.GetProperty("errors").EnumerateArray().Where(e => e.GetProperty("tool").GetString() == tool).ToList();
            if (found.Count == 1)
            {
                entry = found[0];
            }
            Assert.True(found.Count <= 1, $"one failure of {tool} is recorded once: {report}");
            return found.Count == 1;
        }, $"the history holds the failure of {tool}");
        return entry;
    }

    [Fact]
    public async Task A_read_only_call_that_meets_a_frozen_server_is_retried_and_succeeds()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var setup = await StartAsync(retryAttempts: 4, cts.Token);

        await setup.Redis.PauseAsync();
        Task<CallToolResult> call;
        try
        {
            call = setup.Client.Client.CallToolAsync("agents_list", cancellationToken: cts.Token).AsTask();
            await Eventually.HoldsAsync(() => Task.FromResult(Retries(setup.Logs, "agents_list") >= 1), "the first attempt timed out and a retry is scheduled");
        }
        finally
        {
            await setup.Redis.ResumeAsync();
        }

        var result = await call;
        Assert.False(result.IsError == true, "the retried call succeeds");
        Assert.Equal("a1", JsonSerializer.SerializeToElement(result.StructuredContent).GetProperty("agents")[0].GetProperty("id").GetString());
        var entry = await HistoryEntryAsync(setup.Client, "agents_list", cts.Token);
        Assert.True(entry.GetProperty("recovered").GetBoolean());
        Assert.InRange(entry.GetProperty("attempts").GetInt32(), 2, 5);
        Assert.Contains(entry.GetProperty("category").GetString(), new[] { "timeout", "redis" });
        Assert.Equal("error", entry.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task A_read_only_call_is_given_up_after_the_configured_attempts()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var setup = await StartAsync(retryAttempts: 2, cts.Token);

        await setup.Redis.PauseAsync();
        try
        {
            await AssertFailsAsync(setup.Client.Client.CallToolAsync("agents_stats", cancellationToken: cts.Token).AsTask(), setup);
            Assert.Equal(2, Retries(setup.Logs, "agents_stats"));
        }
        finally
        {
            await setup.Redis.ResumeAsync();
        }

        // Recorded once, with all three attempts, when the server answers again.
        var entry = await HistoryEntryAsync(setup.Client, "agents_stats", cts.Token);
        Assert.False(entry.GetProperty("recovered").GetBoolean());
        Assert.Equal(3, entry.GetProperty("attempts").GetInt32());
        Assert.Contains(entry.GetProperty("category").GetString(), new[] { "timeout", "redis" });
    }

    [Fact]
    public async Task A_send_and_a_callers_mistake_are_never_retried()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var setup = await StartAsync(retryAttempts: 4, cts.Token);

        await setup.Redis.PauseAsync();
        try
        {
            var send = setup.Client.Client.CallToolAsync("messages_send", new Dictionary<string, object?> { ["to"] = "a1", ["type"] = "job", ["payload"] = 1 }, cancellationToken: cts.Token).AsTask();
            await AssertFailsAsync(send, setup);
            Assert.Equal(0, Retries(setup.Logs, "messages_send"));
        }
        finally
        {
            await setup.Redis.ResumeAsync();
        }

        var entry = await HistoryEntryAsync(setup.Client, "messages_send", cts.Token);
        Assert.Equal(1, entry.GetProperty("attempts").GetInt32());
        Assert.False(entry.GetProperty("recovered").GetBoolean());
        // The timed-out script may still have run when the server woke (a timeout does not say it did not happen);
        // what the strategy guarantees is that it never runs twice.
        Assert.InRange((await setup.Client.CallAsync("messages_replay", new { agentId = "a1" }, cts.Token)).GetProperty("count").GetInt32(), 0, 1);

        // A caller's mistake on a read-only tool: a validation error, recorded at once, one attempt.
        await setup.Client.CallErrorAsync("messages_replay", new { agentId = "a1", afterId = "nope" }, cts.Token);
        var mistake = await HistoryEntryAsync(setup.Client, "messages_replay", cts.Token);
        Assert.Equal("validation", mistake.GetProperty("category").GetString());
        Assert.Equal(1, mistake.GetProperty("attempts").GetInt32());
        Assert.Equal(0, Retries(setup.Logs, "messages_replay"));
    }

    [Fact]
    public async Task A_category_configured_with_its_own_strategy_is_retried_by_it_and_can_be_cured()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // Global retries off; unknown_agent (not retried by default) gets 3 retries, 500 ms apart, doubling: a heartbeat
        // that reaches this replica before the agent's registration (made on another replica) is not refused at once.
        await using var setup = await StartAsync(retryAttempts: 0, cts.Token,
            ("Retry:unknown_agent:Attempts", "3"), ("Retry:unknown_agent:Delay", "00:00:00.500"), ("Retry:unknown_agent:Backoff", "2"));

        // An agent that never registers: given up after 1 + 3 attempts, each wait as configured, recorded once.
        await AssertFailsAsync(setup.Client.Client.CallToolAsync("agents_heartbeat", new Dictionary<string, object?> { ["id"] = "ghost" }, cancellationToken: cts.Token).AsTask(), setup);
        Assert.Equal(3, Retries(setup.Logs, "agents_heartbeat"));
        foreach (var wait in new[] { "retrying in 500 ms", "retrying in 1000 ms", "retrying in 2000 ms" })
        {
            Assert.Contains(setup.Logs.Lines, l => l.Contains("Tool agents_heartbeat failed with a unknown_agent error", StringComparison.Ordinal) && l.Contains(wait, StringComparison.Ordinal));
        }
        var given = await HistoryEntryAsync(setup.Client, "agents_heartbeat", cts.Token);
        Assert.Equal("unknown_agent", given.GetProperty("category").GetString());
        Assert.Equal(4, given.GetProperty("attempts").GetInt32());
        Assert.False(given.GetProperty("recovered").GetBoolean());

        // An agent that registers while its heartbeat waits for a retry: the retry succeeds, recorded as recovered.
        var late = setup.Client.Client.CallToolAsync("agents_heartbeat", new Dictionary<string, object?> { ["id"] = "late" }, cancellationToken: cts.Token).AsTask();
        await Eventually.HoldsAsync(() => Task.FromResult(Retries(setup.Logs, "agents_heartbeat") >= 4), "the first heartbeat of 'late' failed and a retry is scheduled");
        await setup.Client.RegisterAsync("late", ["work"], cancellationToken: cts.Token);
        var result = await late;
        Assert.False(result.IsError == true, "the retried heartbeat succeeds once the agent exists");
        await Eventually.HoldsAsync(async () =>
        {
            var report = await setup.Client.CallAsync("errors_list", new { category = "unknown_agent" }, cts.Token);
            return report.GetProperty("errors").EnumerateArray().Any(e => e.GetProperty("agent").GetString() == "late" && e.GetProperty("recovered").GetBoolean());
        }, "the cured heartbeat of 'late' is in the history, recovered");

        // Timeouts and Redis failures follow the global setting, here 0: a frozen server fails a read at once.
        await setup.Redis.PauseAsync();
        try
        {
            await AssertFailsAsync(setup.Client.Client.CallToolAsync("agents_list", cancellationToken: cts.Token).AsTask(), setup);
            Assert.Equal(0, Retries(setup.Logs, "agents_list"));
        }
        finally
        {
            await setup.Redis.ResumeAsync();
        }
    }

    [Fact]
    public async Task A_retry_entry_for_a_callers_mistake_stops_start_up()
    {
        await using var redis = await RedisServerProcess.StartAsync(_kind);
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            ToolHostServer.StartAsync(AgentSettings.For(redis.ConnectionString, ("Retry:validation:Attempts", "1"))));
        Assert.Contains("ToolHost:Agents:Retry:validation:Attempts must be 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_system_status_says_when_redis_does_not_answer_and_recovers_when_it_does()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var setup = await StartAsync(retryAttempts: 0, cts.Token);
        using var http = new HttpClient();
        var statusUri = new Uri(setup.Server.BaseAddress, "/stats/system");

        await setup.Redis.PauseAsync();
        try
        {
            // Both views answer (no 500, no hang) and say Redis is not answering, with the error.
            using var fromHttp = JsonDocument.Parse(await http.GetStringAsync(statusUri, cts.Token));
            var read = await setup.Client.Client.ReadResourceAsync("status://system", cancellationToken: cts.Token);
            using var fromMcp = JsonDocument.Parse(Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text);
            foreach (var status in new[] { fromHttp.RootElement, fromMcp.RootElement })
            {
                Assert.False(status.GetProperty("healthy").GetBoolean(), status.GetRawText());
                Assert.False(status.GetProperty("redis").GetProperty("connected").GetBoolean(), status.GetRawText());
                Assert.False(string.IsNullOrEmpty(status.GetProperty("redis").GetProperty("error").GetString()), status.GetRawText());
            }
        }
        finally
        {
            await setup.Redis.ResumeAsync();
        }

        await Eventually.HoldsAsync(async () =>
        {
            using var status = JsonDocument.Parse(await http.GetStringAsync(statusUri, cts.Token));
            return status.RootElement.GetProperty("healthy").GetBoolean()
                && status.RootElement.GetProperty("redis").GetProperty("connected").GetBoolean()
                && status.RootElement.GetProperty("agents").GetProperty("active").GetInt32() == 1;
        }, "the status is healthy again with the agent once the server answers");
    }
}

/// <summary>Retries against a frozen redis-server 7.</summary>
public sealed class ToolRetryOnRedisTests : ToolRetryTests
{
    public ToolRetryOnRedisTests()
        : base(RedisServerKind.Redis)
    {
    }
}

/// <summary>Retries against a frozen Garnet.</summary>
public sealed class ToolRetryOnGarnetTests : ToolRetryTests
{
    public ToolRetryOnGarnetTests()
        : base(RedisServerKind.Garnet)
    {
    }
}
