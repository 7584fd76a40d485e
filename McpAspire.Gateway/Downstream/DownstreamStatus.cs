namespace McpAspire.Gateway.Downstream;

/// <summary>Where a downstream connection stands.</summary>
public enum DownstreamStatus
{
    /// <summary>Configured off.</summary>
    Disabled,

    /// <summary>First connection under way.</summary>
    Connecting,

    /// <summary>Connected; its catalog is part of the gateway's.</summary>
    Connected,

    /// <summary>Lost; waiting for the next attempt (see next-attempt time).</summary>
    Reconnecting,

    /// <summary>Gave up (no auto-reconnect, or attempts exhausted); see the last error.</summary>
    Failed,

    /// <summary>Shut down with the gateway or removed by a reload.</summary>
    Stopped,
}
