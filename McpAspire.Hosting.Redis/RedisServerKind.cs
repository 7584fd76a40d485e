namespace McpAspire.Hosting.Redis;

/// <summary>Which Redis server the <c>redis</c> resource runs in run mode (<c>AppHost:Redis:Server</c>).</summary>
public enum RedisServerKind
{
    /// <summary>Aspire's Redis container where a container runtime answers; else <c>redis-server</c> on PATH; else Garnet.</summary>
    Auto,

    /// <summary>Aspire's Redis container (<c>AddRedis</c>); needs a healthy container runtime.</summary>
    Container,

    /// <summary><c>redis-server</c> from PATH as an executable resource.</summary>
    RedisServer,

    /// <summary>Garnet's <c>GarnetServer.dll</c> from the <c>garnet-server</c> local tool as an executable resource.</summary>
    Garnet,
}
