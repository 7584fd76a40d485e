using McpAspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Health;
using McpAspire.Hosting.Testing;
using McpAspire.Hosting.Tests.Infrastructure;
using McpAspire.TestSupport;
using RedisServerKind = McpAspire.Hosting.ApplicationModel.RedisServerKind;

namespace McpAspire.Hosting.Tests.EndToEnd;

/// <summary>The Redis resource on each real server it can run, with persistence across application runs, and external servers.</summary>
public sealed class RedisResourceTests
{
    [Theory]
    [InlineData(RedisServerKind.RedisServer)]
    [InlineData(RedisServerKind.Garnet)]
    public async Task Data_written_to_a_persistent_redis_survives_an_application_restart(RedisServerKind kind)
    {
        if (kind == RedisServerKind.Garnet)
        {
            // Fails with a clear message (and under CI=true) when the local tool is not restored.
            RedisServerProcess.GarnetDllPath();
        }
        var dataDir = Directory.CreateTempSubdirectory("mcpaspire-redis-data-").FullName;
        // Space, quote and backslash: the password must survive redis.conf quoting and the command line alike.
        const string Password = "Persist me\"1234\\567890";
        try
        {
            var value = Guid.NewGuid().ToString("N");
            await using (var first = await StartAsync(kind, dataDir, Password))
            {
                var (host, port, _) = RedisPing.ParseConnectionString((await first.GetConnectionStringAsync("cache"))!);
                Assert.Equal("OK", await RespProbe.SendAsync(host, port, Password, "SET", "mcpaspire:test", value));
                var pid = first.ResourceNotifications.GetSnapshot("cache").Replicas[0].Pid!.Value;
                Assert.Contains(kind == RedisServerKind.Garnet ? "GarnetServer.dll" : "redis-server", ProcessTable.CommandLine(pid), StringComparison.Ordinal);
                // redis-server gets its configuration on stdin, Garnet from a 0600 file deleted once it listens: the
                // password is never visible in `ps`.
                var commandLine = ProcessTable.CommandLine(pid);
                Assert.DoesNotContain("Persist", commandLine, StringComparison.Ordinal);
                if (kind == RedisServerKind.Garnet)
                {
                    var args = commandLine.Split(' ');
                    var configPath = args[Array.IndexOf(args, "--config-import-path") + 1];
                    await Eventually.HoldsAsync(() => Task.FromResult(!File.Exists(configPath)), $"{configPath} was deleted");
                }
            }
            await using var second = await StartAsync(kind, dataDir, Password);
            var (host2, port2, _) = RedisPing.ParseConnectionString((await second.GetConnectionStringAsync("cache"))!);
            Assert.Equal(value, await RespProbe.SendAsync(host2, port2, Password, "GET", "mcpaspire:test"));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<DistributedApplication> StartAsync(RedisServerKind kind, string dataDir, string password)
    {
        var builder = SmallApp.CreateBuilder($"--Parameters:cache-password={password}");
        builder.AddRedis("cache").WithRedisServer(kind).WithDataBindMount(dataDir);
        var app = builder.Build();
        await app.StartAsync();
        await app.ResourceNotifications.WaitForResourceHealthyAsync("cache", SmallApp.Timeout());
        return app;
    }

    [Fact]
    public async Task An_external_server_from_ConnectionStrings_is_used_and_nothing_is_started()
    {
        await using var server = await RedisServerProcess.StartAsync(TestSupport.RedisServerKind.Redis);
        var builder = SmallApp.CreateBuilder($"--ConnectionStrings:cache={server.ConnectionString}");
        var redis = builder.AddRedis("cache");
        builder.AddExecutable("client", "sleep", ".", "300").WithReference(redis).WaitFor(redis);
        await using var app = builder.Build();
        await app.StartAsync();
        var snapshot = await app.ResourceNotifications.WaitForResourceHealthyAsync("cache", SmallApp.Timeout());
        Assert.Empty(snapshot.Replicas);
        Assert.Equal(server.ConnectionString, await app.GetConnectionStringAsync("cache"));
        // WaitFor works on a resource that is only probed.
        await app.ResourceNotifications.WaitForResourceHealthyAsync("client", SmallApp.Timeout());
    }
}
