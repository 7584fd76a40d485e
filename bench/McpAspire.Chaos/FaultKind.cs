namespace McpAspire.Chaos;

/// <summary>The faults the injector knows.</summary>
public enum FaultKind
{
    /// <summary>SIGKILL one gateway replica's server process (the AppHost restarts it).</summary>
    KillGatewayReplica,

    /// <summary>SIGKILL the tool host (the AppHost restarts it).</summary>
    KillToolHost,

    /// <summary>SIGKILL the state service (the AppHost restarts it).</summary>
    KillStateService,

    /// <summary>SIGSTOP the state service for 5 s, then SIGCONT.</summary>
    StopStateService,

    /// <summary>SIGKILL redis-server, which runs with its append-only file (the AppHost restarts it; acknowledged writes survive).</summary>
    RestartRedis,

    /// <summary>SIGKILL the stdio downstream, remove it from the servers file, then add it back.</summary>
    ReplaceStdioServer,
}
