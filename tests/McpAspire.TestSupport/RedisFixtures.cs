namespace McpAspire.TestSupport;

/// <summary>One real redis-server (with a password) shared by a test class.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServerProcess.StartAsync(RedisServerKind.Redis);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>One real Garnet shared by a test class.</summary>
public sealed class GarnetFixture : IAsyncLifetime
{
    public RedisServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServerProcess.StartAsync(RedisServerKind.Garnet);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public static class Eventually
{
    /// <summary>Polls until the condition holds or the deadline passes (then fails with the description).</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string description, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeoutSeconds} s waiting until {description}.");
            }
            await Task.Delay(100);
        }
    }
}

/// <summary>One real three-primary Redis Cluster shared by a test class.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public RedisClusterProcess Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await RedisClusterProcess.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
