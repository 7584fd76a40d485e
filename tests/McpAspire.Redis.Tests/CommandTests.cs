using McpAspire.TestSupport;

namespace McpAspire.Redis.Tests;

[Collection(ServerCollection.Name)]
public sealed class CommandTests(ServerFixture fixture)
{
    public static TheoryData<RedisServerKind> Servers => [RedisServerKind.Redis, RedisServerKind.Garnet];

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Strings_get_set_with_expiry_and_conditions(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        Assert.True((await db.StringGetAsync(key)).IsNull);
        Assert.True(await db.StringSetAsync(key, "v1"));
        Assert.Equal("v1", (string?)await db.StringGetAsync(key));
        Assert.False(await db.StringSetAsync(key, "v2", when: When.NotExists));
        Assert.Equal("v1", (string?)await db.StringGetAsync(key));
        Assert.True(await db.StringSetAsync(key, "v3", TimeSpan.FromMinutes(5), When.Exists));
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.True(await db.KeyPersistAsync(key));
        Assert.Null(await db.KeyTimeToLiveAsync(key));
        Assert.False(await db.StringSetAsync(Keys.New(), "x", when: When.Exists));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Binary_values_and_unicode_round_trip_exactly(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).Concat("\r\n$5\r\n*1\r\n"u8.ToArray()).ToArray();
        await db.StringSetAsync(key, bytes);
        Assert.Equal(bytes, (byte[]?)await db.StringGetAsync(key));
        const string text = "héllo wörld ✓ 日本語 \r\n";
        await db.StringSetAsync(key, text);
        Assert.Equal(text, (string?)await db.StringGetAsync(key));
        await db.StringSetAsync(key, "");
        var empty = await db.StringGetAsync(key);
        Assert.True(empty.HasValue);
        Assert.True(empty.IsNullOrEmpty);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Numbers_increment_and_mget(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var a = Keys.New();
        var b = Keys.New();
        Assert.Equal(5, await db.StringIncrementAsync(a, 5));
        Assert.Equal(3, await db.StringIncrementAsync(a, -2));
        await db.StringSetAsync(b, 2.5);
        var values = await db.StringGetAsync([a, b, Keys.New()]);
        Assert.Equal(3, (long)values[0]);
        Assert.Equal(2.5, (double)values[1]);
        Assert.True(values[2].IsNull);
        Assert.Equal(2, await db.KeyExistsAsync([a, b]));
        Assert.Equal(2, await db.KeyDeleteAsync([a, b]));
        Assert.False(await db.KeyExistsAsync(a));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task GetEx_sets_and_removes_expiry(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        await db.StringSetAsync(key, "v");
        Assert.Equal("v", (string?)await db.StringGetSetExpiryAsync(key, TimeSpan.FromSeconds(100)));
        Assert.NotNull(await db.KeyTimeToLiveAsync(key));
        Assert.Equal("v", (string?)await db.StringGetSetExpiryAsync(key, null));
        Assert.Null(await db.KeyTimeToLiveAsync(key));
        Assert.True(await db.KeyExpireAsync(key, TimeSpan.FromSeconds(30)));
        Assert.NotNull(await db.KeyTimeToLiveAsync(key));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Hashes(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        await db.HashSetAsync(key, [new HashEntry("a", "1"), new HashEntry("b", "two")]);
        Assert.True(await db.HashSetAsync(key, "c", 3));
        Assert.False(await db.HashSetAsync(key, "c", 4));
        Assert.False(await db.HashSetAsync(key, "c", 5, When.NotExists));
        Assert.Equal(4, (long)await db.HashGetAsync(key, "c"));
        Assert.Equal(11, await db.HashIncrementAsync(key, "a", 10));
        Assert.Equal(3, await db.HashLengthAsync(key));
        Assert.True(await db.HashExistsAsync(key, "b"));
        var many = await db.HashGetAsync(key, ["b", "zz", "a"]);
        Assert.Equal(["two", null, "11"], many.Select(v => (string?)v));
        var all = (await db.HashGetAllAsync(key)).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
        Assert.Equal(new Dictionary<string, string?> { ["a"] = "11", ["b"] = "two", ["c"] = "4" }, all);
        Assert.True(await db.HashDeleteAsync(key, "a"));
        Assert.Equal(1, await db.HashDeleteAsync(key, ["b", "nope"]));
        Assert.Empty(await db.HashGetAllAsync(Keys.New()));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Sets(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        Assert.True(await db.SetAddAsync(key, "a"));
        Assert.False(await db.SetAddAsync(key, "a"));
        Assert.Equal(2, await db.SetAddAsync(key, ["b", "c", "a"]));
        Assert.Equal(3, await db.SetLengthAsync(key));
        Assert.True(await db.SetContainsAsync(key, "b"));
        Assert.True(await db.SetRemoveAsync(key, "b"));
        Assert.Equal(1, await db.SetRemoveAsync(key, ["c", "x"]));
        Assert.Equal(["a"], (await db.SetMembersAsync(key)).Select(v => (string?)v));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Sorted_sets_ranges_scores_and_removal(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        Assert.True(await db.SortedSetAddAsync(key, "a", 1));
        Assert.Equal(3, await db.SortedSetAddAsync(key, [new SortedSetEntry("b", 2), new SortedSetEntry("c", 3.5), new SortedSetEntry("d", 10)]));
        Assert.False(await db.SortedSetAddAsync(key, "a", 1.5));
        Assert.Equal(1.5, await db.SortedSetScoreAsync(key, "a"));
        Assert.Null(await db.SortedSetScoreAsync(key, "zz"));
        Assert.Equal(["a", "b", "c"], (await db.SortedSetRangeByScoreAsync(key, 0, 5)).Select(v => (string?)v));
        Assert.Equal(["b"], (await db.SortedSetRangeByScoreAsync(key, 1.5, 3.5, Exclude.Both)).Select(v => (string?)v));
        Assert.Equal(["d", "c"], (await db.SortedSetRangeByScoreAsync(key, order: Order.Descending, take: 2)).Select(v => (string?)v));
        Assert.Equal(["b", "c"], (await db.SortedSetRangeByScoreAsync(key, skip: 1, take: 2)).Select(v => (string?)v));
        var withScores = await db.SortedSetRangeByScoreWithScoresAsync(key, 2, double.PositiveInfinity);
        Assert.Equal([new SortedSetEntry("b", 2), new SortedSetEntry("c", 3.5), new SortedSetEntry("d", 10)], withScores);
        Assert.Equal(4, await db.SortedSetLengthAsync(key));
        Assert.Equal(2, await db.SortedSetLengthAsync(key, 2, 5));
        Assert.Equal(12, await db.SortedSetIncrementAsync(key, "d", 2));
        Assert.Equal(2, await db.SortedSetRemoveRangeByScoreAsync(key, 0, 2));
        Assert.True(await db.SortedSetRemoveAsync(key, "c"));
        Assert.Equal(1, await db.SortedSetLengthAsync(key));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Lists(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        Assert.Equal(1, await db.ListRightPushAsync(key, "b"));
        Assert.Equal(2, await db.ListLeftPushAsync(key, "a"));
        Assert.Equal(5, await db.ListRightPushAsync(key, ["c", "d", "e"]));
        Assert.Equal(["a", "b", "c", "d", "e"], (await db.ListRangeAsync(key)).Select(v => (string?)v));
        await db.ListTrimAsync(key, 0, 3);
        Assert.Equal(4, await db.ListLengthAsync(key));
        Assert.Equal("a", (string?)await db.ListLeftPopAsync(key));
        Assert.Equal("d", (string?)await db.ListRightPopAsync(key));
        Assert.Equal(["b", "c"], (await db.ListLeftPopAsync(key, 5)).Select(v => (string?)v));
        Assert.True((await db.ListLeftPopAsync(key)).IsNull);
        Assert.Equal(0, await db.ListRightPushAsync(Keys.New(), "x", When.Exists));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Scripts_use_evalsha_and_fall_back_on_noscript(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        var script = $"-- {Guid.NewGuid():N}\nredis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1]) .. ARGV[2]";
        var first = await db.ScriptEvaluateAsync(script, [key], ["x", "y"]);
        Assert.Equal("xy", (string?)first);
        var second = await db.ScriptEvaluateAsync(script, [key], ["p", "q"]);
        Assert.Equal("pq", (string?)second);
        // The server forgets its scripts (SCRIPT FLUSH, a restart): the cached SHA1 gets NOSCRIPT and EVAL takes over.
        Assert.Equal("OK", (string?)await db.ExecuteAsync("SCRIPT", "FLUSH"));
        Assert.Equal("rs", (string?)await db.ScriptEvaluateAsync(script, [key], ["r", "s"]));
        var array = await db.ScriptEvaluateAsync("return {1, 'two', {3}}");
        var items = (RedisResult[])array!;
        Assert.Equal(3, items.Length);
        Assert.Equal(1, (long)items[0]);
        Assert.Equal("two", (string?)items[1]);
        Assert.Equal(3, (long)items[2][0]);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Execute_runs_raw_commands_and_reports_server_errors(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New();
        Assert.Equal("OK", (string?)await db.ExecuteAsync("SET", key, 42));
        Assert.Equal(42, (long)await db.ExecuteAsync("GET", key));
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("NOSUCHCOMMAND", "x"));
        Assert.Contains("unknown command", error.Message, StringComparison.OrdinalIgnoreCase);
        await db.HashSetAsync(key + "h", "f", "v");
        var wrongType = await Assert.ThrowsAsync<RedisServerException>(() => db.StringGetAsync(key + "h"));
        Assert.StartsWith("WRONGTYPE", wrongType.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(() => db.ExecuteAsync("SUBSCRIBE", "x"));
        // The connection is still in step after errors.
        Assert.Equal(42, (long)await db.StringGetAsync(key));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Thousands_of_concurrent_commands_each_get_their_own_reply(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var prefix = Keys.New("conc");
        var writers = Enumerable.Range(0, 2000).Select(i => db.StringSetAsync($"{prefix}:{i}", $"value-{i}"));
        Assert.All(await Task.WhenAll(writers), Assert.True);
        var readers = Enumerable.Range(0, 50).Select(t => Task.Run(async () =>
        {
            for (var i = t; i < 2000; i += 50)
            {
                Assert.Equal($"value-{i}", (string?)await db.StringGetAsync($"{prefix}:{i}"));
                Assert.Equal(i + 1, await db.HashIncrementAsync(prefix + ":h", $"f{i}", i + 1));
            }
        }));
        await Task.WhenAll(readers);
        var batch = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => db.StringGetAsync($"{prefix}:{i}")));
        for (var i = 0; i < batch.Length; i++)
        {
            Assert.Equal($"value-{i}", (string?)batch[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Scan_iterates_every_matching_key_once(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var prefix = Keys.New("scan");
        await Task.WhenAll(Enumerable.Range(0, 120).Select(i => db.StringSetAsync($"{prefix}:{i}", i)));
        var seen = new HashSet<string>();
        await foreach (var key in db.ScanAsync(prefix + ":*", pageSize: 17))
        {
            seen.Add(key!);
        }
        Assert.Equal(120, seen.Count);
        Assert.All(seen, k => Assert.StartsWith(prefix, k, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Large_replies_spanning_many_socket_reads_arrive_whole(RedisServerKind kind)
    {
        var db = fixture.Db(kind);
        var key = Keys.New("big");
        var values = Enumerable.Range(0, 100_000).Select(i => (RedisValue)$"item-{i}").ToArray();
        foreach (var chunk in values.Chunk(10_000))
        {
            await db.ListRightPushAsync(key, chunk);
        }
        var all = await db.ListRangeAsync(key);
        Assert.Equal(values.Length, all.Length);
        Assert.Equal("item-0", (string?)all[0]);
        Assert.Equal("item-99999", (string?)all[^1]);
        var blob = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(blob);
        await db.StringSetAsync(key + ":blob", blob);
        Assert.Equal(blob, (byte[]?)await db.StringGetAsync(key + ":blob"));
        await db.KeyDeleteAsync([key, key + ":blob"]);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Ping_and_connection_state(RedisServerKind kind)
    {
        var client = fixture.Client(kind);
        Assert.True(client.IsConnected);
        var rtt = await client.GetDatabase().PingAsync();
        Assert.True(rtt > TimeSpan.Zero);
    }
}
