using McpAspire.TestSupport;

namespace McpAspire.Redis.Tests;

[Collection(ServerCollection.Name)]
public sealed class PubSubAndTransactionTests(ServerFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static TheoryData<RedisServerKind> Servers => [RedisServerKind.Redis, RedisServerKind.Garnet];

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Handler_and_queue_subscribers_receive_messages_in_order(RedisServerKind kind)
    {
        var client = fixture.Client(kind);
        var sub = client.GetSubscriber();
        var channel = RedisChannel.Literal(Keys.New("chan"));
        var received = new List<string>();
        var gotAll = new TaskCompletionSource();
        await sub.SubscribeAsync(channel, (_, message) =>
        {
            lock (received)
            {
                received.Add((string)message!);
                if (received.Count == 100)
                {
                    gotAll.TrySetResult();
                }
            }
        });
        var queue = await sub.SubscribeAsync(channel);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(1, await sub.PublishAsync(channel, $"m{i}"));
        }
        await gotAll.Task.WaitAsync(Wait);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"m{i}"), received);
        for (var i = 0; i < 100; i++)
        {
            var message = await queue.ReadAsync().AsTask().WaitAsync(Wait);
            Assert.Equal($"m{i}", (string?)message.Message);
            Assert.Equal(channel, message.Channel);
        }
        await sub.UnsubscribeAsync(channel);
        Assert.Equal(0, await sub.PublishAsync(channel, "after"));
        await queue.Completion.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_throwing_handler_keeps_receiving_and_does_not_disturb_others()
    {
        var sub = fixture.Client(RedisServerKind.Redis).GetSubscriber();
        var channel = RedisChannel.Literal(Keys.New("throw"));
        var seen = new List<string>();
        var done = new TaskCompletionSource();
        await sub.SubscribeAsync(channel, (_, message) =>
        {
            lock (seen)
            {
                seen.Add((string)message!);
                if (seen.Count == 3)
                {
                    done.TrySetResult();
                }
            }
            throw new InvalidOperationException("handler bug");
        });
        var queue = await sub.SubscribeAsync(channel);
        foreach (var m in new[] { "a", "b", "c" })
        {
            await sub.PublishAsync(channel, m);
        }
        await done.Task.WaitAsync(Wait);
        Assert.Equal(["a", "b", "c"], seen);
        Assert.Equal("a", (string?)(await queue.ReadAsync().AsTask().WaitAsync(Wait)).Message);
        await sub.UnsubscribeAsync(channel);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Pattern_subscription_reports_the_actual_channel(RedisServerKind kind)
    {
        var sub = fixture.Client(kind).GetSubscriber();
        var prefix = Keys.New("pat");
        var queue = await sub.SubscribeAsync(RedisChannel.Pattern(prefix + ":*"));
        await sub.PublishAsync(RedisChannel.Literal(prefix + ":a"), "hello");
        var message = await queue.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal(prefix + ":a", (string?)message.Channel);
        Assert.True(message.SubscriptionChannel.IsPattern);
        Assert.Equal("hello", (string?)message.Message);
        await queue.UnsubscribeAsync();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Transaction_applies_all_commands_atomically(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        var tran = db.CreateTransaction();
        var set = tran.StringSetAsync(key, "1");
        var incr = tran.StringIncrementAsync(key, 5);
        var hash = tran.HashSetAsync(key + ":h", "f", "v");
        Assert.False(set.IsCompleted);
        Assert.True(await tran.ExecuteAsync());
        Assert.True(await set);
        Assert.Equal(6, await incr);
        Assert.True(await hash);
        Assert.Equal(6, (long)await db.StringGetAsync(key));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Transaction_with_failed_condition_applies_nothing(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        await db.StringSetAsync(key, "current");
        var tran = db.CreateTransaction();
        var condition = tran.AddCondition(Condition.StringEqual(key, "expected"));
        var set = tran.StringSetAsync(key, "changed");
        Assert.False(await tran.ExecuteAsync());
        Assert.False(condition.WasSatisfied);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => set);
        Assert.Equal("current", (string?)await db.StringGetAsync(key));

        var ok = db.CreateTransaction();
        var okCondition = ok.AddCondition(Condition.StringEqual(key, "current"));
        ok.AddCondition(Condition.KeyNotExists(key + ":other"));
        var okSet = ok.StringSetAsync(key, "changed");
        Assert.True(await ok.ExecuteAsync());
        Assert.True(okCondition.WasSatisfied);
        Assert.True(await okSet);
        Assert.Equal("changed", (string?)await db.StringGetAsync(key));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Transaction_command_error_surfaces_on_its_own_task(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        await db.HashSetAsync(key, "f", "v");
        var tran = db.CreateTransaction();
        var wrongType = tran.StringIncrementAsync(key);
        var fine = tran.StringSetAsync(key + ":ok", "v");
        Assert.True(await tran.ExecuteAsync());
        var error = await Assert.ThrowsAsync<RedisServerException>(() => wrongType);
        Assert.StartsWith("WRONGTYPE", error.Message, StringComparison.Ordinal);
        Assert.True(await fine);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Batch_sends_queued_commands_only_on_execute(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var prefix = Keys.New("batch");
        var batch = db.CreateBatch();
        var sets = Enumerable.Range(0, 100).Select(i => batch.StringSetAsync($"{prefix}:{i}", i)).ToArray();
        var gets = Enumerable.Range(0, 100).Select(i => batch.StringGetAsync($"{prefix}:{i}")).ToArray();
        Assert.DoesNotContain(sets, t => t.IsCompleted);
        Assert.True((await db.StringGetAsync($"{prefix}:0")).IsNull);
        batch.Execute();
        Assert.All(await Task.WhenAll(sets).WaitAsync(Wait), Assert.True);
        var values = await Task.WhenAll(gets).WaitAsync(Wait);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), values.Select(v => (long)v));
        Assert.Throws<InvalidOperationException>(() => batch.Execute());
    }

    [Fact]
    public async Task Blocking_pop_runs_on_its_own_connection_without_stalling_others()
    {
        var db = fixture.Db(RedisServerKind.Redis);
        var key = Keys.New();
        var pop = db.ExecuteAsync("BLPOP", key, 10);
        // The shared connection keeps serving while BLPOP blocks.
        for (var i = 0; i < 20; i++)
        {
            await db.PingAsync().WaitAsync(Wait);
        }
        Assert.False(pop.IsCompleted);
        await db.ListRightPushAsync(key, "item");
        var result = (RedisResult[])(await pop.WaitAsync(Wait))!;
        Assert.Equal("item", (string?)result[1]);
    }

    [Fact]
    public async Task Other_databases_are_selected_in_stream()
    {
        var client = fixture.Client(RedisServerKind.Redis);
        var key = Keys.New();
        await client.GetDatabase(3).StringSetAsync(key, "three");
        await client.GetDatabase(0).StringSetAsync(key, "zero");
        Assert.Equal("three", (string?)await client.GetDatabase(3).StringGetAsync(key));
        Assert.Equal("zero", (string?)await client.GetDatabase().StringGetAsync(key));
        Assert.Equal(3, client.GetDatabase(3).Database);
    }
}
