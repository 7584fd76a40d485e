using McpAspire.Redis.Connections;
using McpAspire.Redis.Protocol;

namespace McpAspire.Redis.Transactions;

/// <summary>The reply to EXEC: hands each item to its queued command; null means a watched key changed.</summary>
internal sealed class ExecSink(IReplySink[] commands, StatusSink[] queued) : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously), IReplySink
{
    public long QueuedAt { get; } = Environment.TickCount64;

    public bool IsCompleted => Task.IsCompleted;

    public void SetReply(in RespFrame frame)
    {
        if (frame.IsError)
        {
            var error = RedisServerException.FromMessage(frame.GetString());
            for (var i = 0; i < commands.Length; i++)
            {
                commands[i].SetFailure(queued[i].Error is { } own ? RedisServerException.FromMessage(own) : error);
            }
            TrySetException(error);
            return;
        }
        if (frame.IsNull)
        {
            foreach (var command in commands)
            {
                command.Abandon();
            }
            TrySetResult(false);
            return;
        }
        if (!frame.IsAggregate || frame.Count != commands.Length)
        {
            var error = new RedisProtocolException($"EXEC returned {frame.Type} with {frame.Count} items for {commands.Length} commands.");
            SetFailure(error);
            return;
        }
        var items = frame.Children();
        foreach (var command in commands)
        {
            command.SetReply(items.Next());
        }
        TrySetResult(true);
    }

    public void Abandon()
    {
        foreach (var command in commands)
        {
            command.Abandon();
        }
        TrySetResult(false);
    }

    public void SetFailure(Exception exception)
    {
        foreach (var command in commands)
        {
            command.SetFailure(exception);
        }
        TrySetException(exception);
    }
}
