namespace McpAspire.Redis;

/// <summary>Per-command flags, accepted for StackExchange.Redis compatibility; only <see cref="FireAndForget"/> changes behaviour.</summary>
[Flags]
public enum CommandFlags
{
    /// <summary>Default behaviour.</summary>
    None = 0,

    /// <summary>Accepted and ignored (there is one connection per endpoint).</summary>
    HighPriority = 1,

    /// <summary>The returned task completes at once with a default value; errors are not observed.</summary>
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
