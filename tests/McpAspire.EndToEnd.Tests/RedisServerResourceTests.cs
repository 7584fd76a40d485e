using Aspire.Hosting;
using Aspire.Hosting.Testing;
using StackExchange.Redis;
using TestRedisKind = McpAspire.TestSupport.RedisServerKind;

namespace McpAspire.EndToEnd.Tests;

/// <summary>
/// <c>AddRedisServer</c> through the AppHost (Aspire.Hosting.Testing, DCP; the testing builder needs an AppHost assembly): redis-server and Garnet as executable
/// resources keep data across app restarts when persistent, demand the generated password, and an external server from
/// <c>ConnectionStrings:{name}</c> is probed and passed on without starting anything.
/// </summary>
public sealed class RedisServerResourceTests
{
    private static readonly TimeSpan s_start = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("RedisServer")]
    [InlineData("Garnet")]
    public async Task A_persistent_server_keeps_its_data_across_app_restarts_and_demands_its_password(string kind)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("mcpaspire-redis-test-").FullName;
        string[] args = [$"--AppHost:Redis:Server={kind}", "--AppHost:Redis:Persistent=true", $"--AppHost:Redis:DataDirectory={dataDirectory}"];
        try
        {
            await using (var app = await StartAsync(args))
            {
                var connectionString = (await app.GetConnectionStringAsync("redis"))!;
                await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
                await redis.GetDatabase().StringSetAsync("kept", "across restarts");
                // The password is enforced: the same endpoint without it is refused.
                var endpoint = connectionString.Split(',')[0];
                await Assert.ThrowsAnyAsync<RedisException>(async () =>
                {
                    await using var anonymous = await ConnectionMultiplexer.ConnectAsync($"{endpoint},abortConnect=true,connectTimeout=3000");
                    await anonymous.GetDatabase().StringGetAsync("kept");
                });
            }
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(dataDirectory, "*", SearchOption.AllDirectories));
            await using (var app = await StartAsync(args))
            {
                await using var redis = await ConnectionMultiplexer.ConnectAsync((await app.GetConnectionStringAsync("redis"))!);
                Assert.Equal("across restarts", (string?)await redis.GetDatabase().StringGetAsync("kept"));
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task An_external_server_from_the_connection_string_is_probed_and_passed_on()
    {
        await using var server = await RedisServerProcess.StartAsync(TestRedisKind.Redis);
        await using var app = await StartAsync($"--ConnectionStrings:redis={server.ConnectionString}");
        Assert.Equal(server.ConnectionString, await app.GetConnectionStringAsync("redis"));
    }

    /// <summary>The AppHost with <paramref name="args"/>, once its Redis resource is healthy.</summary>
    private static async Task<DistributedApplication> StartAsync(params string[] args)
    {
        using var cts = new CancellationTokenSource(s_start);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.McpAspire_AppHost>([$"--Gateway:Port={FreePort.Next()}", .. args], cts.Token);
        var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", cts.Token);
        return app;
    }
}
