using McpAspire.Redis.Connections;
using McpAspire.Redis.Protocol;

namespace McpAspire.Redis.Transactions;

/// <summary>Records the reply to MULTI or to a queued command (+OK / +QUEUED, or the error that will abort EXEC).</summary>
internal sealed class StatusSink : IReplySink
{
    public long QueuedAt { get; } = Environment.TickCount64;

    public bool IsCompleted { get; private set; }

    public string? Error { get; private set; }

    public void SetReply(in RespFrame frame)
    {
        IsCompleted = true;
        if (frame.IsError)
        {
            Error = frame.GetString();
        }
    }

    public void Abandon() => IsCompleted = true;

    public void SetFailure(Exception exception) => IsCompleted = true;
}
