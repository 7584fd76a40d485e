namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Which Redis-compatible server runs the Redis resource in run mode.</summary>
public enum RedisServerKind
{
    /// <summary><c>redis-server</c> when it is on PATH, else Garnet from the repository's local tool.</summary>
    Auto,

    /// <summary><c>redis-server</c> from PATH (Debian package <c>redis-server</c>).</summary>
    RedisServer,

    /// <summary>Microsoft Garnet from the <c>garnet-server</c> .NET local tool (restored on demand).</summary>
    Garnet,
}
