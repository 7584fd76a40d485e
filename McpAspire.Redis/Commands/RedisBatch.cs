using McpAspire.Redis.Connections;
using McpAspire.Redis.Protocol;

namespace McpAspire.Redis.Commands;

/// <summary>Queues commands and writes them back to back on <see cref="Execute"/>.</summary>
internal sealed class RedisBatch(ConnectionMultiplexer multiplexer, int database) : RedisDatabaseBase, IBatch
{
    private readonly List<(RedisCommand Command, RedisValue[] Args, IReplySink Sink)> _queued = [];
    private int _executed;

    protected override Task<T> Execute<T>(RedisCommand command, ReadOnlySpan<RedisValue> args, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _executed) != 0)
        {
            throw new InvalidOperationException("The batch was already executed; create a new one.");
        }
        var box = new ReplyBox<T>(command, processor);
        box.RegisterCancellation(cancellationToken);
        lock (_queued)
        {
            _queued.Add((command, args.ToArray(), box));
        }
        return box.Task;
    }

    public void Execute()
    {
        if (Interlocked.Exchange(ref _executed, 1) != 0)
        {
            throw new InvalidOperationException("The batch was already executed.");
        }
        (RedisCommand, RedisValue[], IReplySink)[] batch;
        lock (_queued)
        {
            batch = [.. _queued];
        }
        if (batch.Length == 0)
        {
            return;
        }
        if (multiplexer.Interactive.Current is { } connection && connection.TryWriteAtomically(batch, database))
        {
            return;
        }
        _ = SendWhenConnectedAsync(batch);
    }

    private async Task SendWhenConnectedAsync((RedisCommand, RedisValue[], IReplySink)[] batch)
    {
        try
        {
            var connection = await multiplexer.Interactive.WaitForConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            if (connection.TryWriteAtomically(batch, database))
            {
                return;
            }
            Fail(connection.DeadConnectionException());
        }
        catch (RedisException ex)
        {
            Fail(ex);
        }
        catch (ObjectDisposedException ex)
        {
            Fail(new RedisConnectionException(ConnectionFailureType.ConnectionDisposed, "The multiplexer was disposed before the batch was sent.", ex));
        }

        void Fail(Exception error)
        {
            foreach (var (_, _, sink) in batch)
            {
                sink.SetFailure(error);
            }
        }
    }
}
