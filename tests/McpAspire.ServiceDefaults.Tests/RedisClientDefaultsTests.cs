using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace McpAspire.ServiceDefaults.Tests;

/// <summary>
/// AddDefaultRedisClient (Aspire's AddRedisClient with our settings) against a real redis-server: the app starts while
/// Redis is down and recovers when it comes; a missing connection string stops start-up; a frozen server makes commands
/// fail within the command timeout instead of hanging, and the client recovers when the server resumes.
/// </summary>
public sealed class RedisClientDefaultsTests
{
    [Fact]
    public async Task App_starts_while_redis_is_down_and_turns_healthy_when_it_comes_up()
    {
        var port = FreePort.Next();
        const string Password = "defaults-test-password-1234";
        await using var app = await KestrelApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.AddDefaultRedisClient("redis");
            },
            a => a.MapDefaultEndpoints(),
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = $"127.0.0.1:{port},password={Password}" });
        using var http = ExternalClient.Create(app.Address);
        using (var down = await http.GetAsync(new Uri("/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        }
        var redis = app.App.Services.GetRequiredService<IConnectionMultiplexer>();
        // Commands fail at once while disconnected (fail-fast backlog), they do not queue until a timeout.
        await Assert.ThrowsAsync<RedisConnectionException>(() => redis.GetDatabase().StringGetAsync("k"));

        await using var server = await RedisServerProcess.StartOnPortAsync(port, Password);
        await Eventually.HoldsAsync(async () =>
        {
            using var up = await http.GetAsync(new Uri("/health", UriKind.Relative));
            return up.StatusCode == HttpStatusCode.OK;
        }, "/health turned healthy once Redis was up", timeoutSeconds: 10);
        await redis.GetDatabase().StringSetAsync("k", "v");
        Assert.Equal("v", (string?)await redis.GetDatabase().StringGetAsync("k"));
    }

    [Fact]
    public void A_missing_connection_string_fails_at_start_up_naming_the_key()
    {
        var builder = Host.CreateApplicationBuilder();
        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddDefaultRedisClient("cache"));
        Assert.Contains("ConnectionStrings:cache", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frozen_server_fails_commands_within_the_timeout_and_the_client_recovers_after_it_resumes()
    {
        await using var server = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = server.ConnectionString });
        builder.AddDefaultRedisClient("redis", commandTimeout: TimeSpan.FromMilliseconds(500));
        using var host = builder.Build();
        var db = host.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        await db.StringSetAsync("k", "before");

        Signal(server.Pid!.Value, "STOP");
        try
        {
            var started = Stopwatch.StartNew();
            await Assert.ThrowsAsync<RedisTimeoutException>(() => db.StringGetAsync("k"));
            // Bounded by the command timeout (plus the client's timeout check granularity), never an open-ended hang.
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"the command took {started.Elapsed}");
        }
        finally
        {
            Signal(server.Pid!.Value, "CONT");
        }
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                return (string?)await db.StringGetAsync("k") == "before";
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                return false;
            }
        }, "commands worked again after the server resumed", timeoutSeconds: 10);
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
