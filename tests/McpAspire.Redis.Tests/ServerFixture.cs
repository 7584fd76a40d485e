using McpAspire.TestSupport;

namespace McpAspire.Redis.Tests;

/// <summary>One real redis-server and one Garnet (both with a password) shared by the command tests.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly Dictionary<RedisServerKind, RedisServerProcess> _servers = [];
    private readonly Dictionary<RedisServerKind, ConnectionMultiplexer> _clients = [];

    public RedisServerProcess Server(RedisServerKind kind) => _servers[kind];

    public ConnectionMultiplexer Client(RedisServerKind kind) => _clients[kind];

    public IDatabase Db(RedisServerKind kind) => _clients[kind].GetDatabase();

    public async Task InitializeAsync()
    {
        var starts = new[] { RedisServerKind.Redis, RedisServerKind.Garnet }.Select(async kind =>
        {
            var server = await RedisServerProcess.StartAsync(kind);
            lock (_servers)
            {
                _servers[kind] = server;
            }
        });
        await Task.WhenAll(starts);
        foreach (var (kind, server) in _servers)
        {
            _clients[kind] = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",name=tests");
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync();
        }
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "servers";
}

/// <summary>Unique key names so tests sharing a server never collide.</summary>
internal static class Keys
{
    public static string New(string prefix = "t") => $"{prefix}:{Guid.NewGuid():N}";
}
