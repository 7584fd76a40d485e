using McpAspire.Redis.Protocol;

namespace McpAspire.Redis.Connections;

/// <summary>Where the reply of one command goes; queued in send order and completed in reply order.</summary>
internal interface IReplySink
{
    /// <summary>When the command was queued (<see cref="Environment.TickCount64"/>), for timeouts.</summary>
    long QueuedAt { get; }

    /// <summary>True once completed (by a reply, a failure, a timeout or cancellation).</summary>
    bool IsCompleted { get; }

    /// <summary>Completes with a reply (error frames included).</summary>
    void SetReply(in RespFrame frame);

    /// <summary>Cancels the command's task (a transaction that was not applied).</summary>
    void Abandon();

    /// <summary>Fails the command.</summary>
    void SetFailure(Exception exception);
}
