namespace McpAspire.Redis;

/// <summary>Per-command flags, accepted for StackExchange.Redis compatibility and ignored (every command is awaited normally).</summary>
[Flags]
public enum CommandFlags
{
    /// <summary>Default behaviour.</summary>
    None = 0,

    /// <summary>Accepted and ignored (there is one connection per endpoint).</summary>
    HighPriority = 1,

    /// <summary>Accepted and ignored: the task still completes with the reply (await it or discard it).</summary>
    FireAndForget = 2,

    /// <summary>Accepted and ignored (replicas are not routed to).</summary>
    PreferMaster = 0,

    /// <summary>Accepted and ignored.</summary>
    DemandMaster = 4,

    /// <summary>Accepted and ignored.</summary>
    PreferReplica = 8,

    /// <summary>Accepted and ignored.</summary>
    DemandReplica = 12,

    /// <summary>Accepted and ignored.</summary>
    NoRedirect = 64,

    /// <summary>Accepted and ignored.</summary>
    NoScriptCache = 512,
}
