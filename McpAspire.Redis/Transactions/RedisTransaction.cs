using McpAspire.Redis.Commands;
using McpAspire.Redis.Connections;
using McpAspire.Redis.Protocol;

namespace McpAspire.Redis.Transactions;

/// <summary>Queues commands and runs them as MULTI/EXEC, guarded by WATCH conditions on a dedicated connection.</summary>
internal sealed class RedisTransaction(ConnectionMultiplexer multiplexer, int database) : RedisDatabaseBase, ITransaction
{
    private readonly List<(RedisCommand Command, RedisValue[] Args, IReplySink Sink)> _queued = [];
    private readonly List<ConditionResult> _conditions = [];
    private int _executed;

    protected override Task<T> Execute<T>(RedisCommand command, ReadOnlySpan<RedisValue> args, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _executed) != 0)
        {
            throw new InvalidOperationException("The transaction was already executed; create a new one.");
        }
        var box = new ReplyBox<T>(command, processor);
        lock (_queued)
        {
            _queued.Add((command, args.ToArray(), box));
        }
        return box.Task;
    }

    public ConditionResult AddCondition(Condition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var result = new ConditionResult(condition);
        lock (_queued)
        {
            _conditions.Add(result);
        }
        return result;
    }

    public async Task<bool> ExecuteAsync(CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _executed, 1) != 0)
        {
            throw new InvalidOperationException("The transaction was already executed.");
        }
        (RedisCommand, RedisValue[], IReplySink)[] queued;
        ConditionResult[] conditions;
        lock (_queued)
        {
            queued = [.. _queued];
            conditions = [.. _conditions];
        }
        if (conditions.Length == 0)
        {
            if (queued.Length == 0)
            {
                return true;
            }
            var connection = await multiplexer.Interactive.WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await RunMultiExecAsync(connection, queued, cancellationToken).ConfigureAwait(false);
        }

        // WATCH must not interleave with other callers' commands: it runs on a connection of its own.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(multiplexer.Options.AsyncTimeout);
        var dedicated = await multiplexer.BlockingPool.RentAsync(timeout.Token).ConfigureAwait(false);
        var reusable = false;
        try
        {
            var keys = conditions.Select(c => c.Condition.Key.AsRedisValue()).Distinct().ToArray();
            await dedicated.SendAsync(RedisCommand.Watch, keys, ResultProcessors.Boolean, database, timeout.Token).ConfigureAwait(false);
            var checks = conditions.Select(c => dedicated.SendAsync(c.Condition.Command, c.Condition.Arguments, ResultProcessors.Result, database, timeout.Token)).ToArray();
            var replies = await Task.WhenAll(checks).ConfigureAwait(false);
            var allSatisfied = true;
            for (var i = 0; i < conditions.Length; i++)
            {
                conditions[i].WasSatisfied = conditions[i].Condition.IsSatisfied(replies[i]);
                allSatisfied &= conditions[i].WasSatisfied;
            }
            bool applied;
            if (!allSatisfied)
            {
                await dedicated.SendAsync(RedisCommand.Unwatch, [], ResultProcessors.Boolean, database, timeout.Token).ConfigureAwait(false);
                foreach (var (_, _, sink) in queued)
                {
                    sink.Abandon();
                }
                applied = false;
            }
            else
            {
                applied = await RunMultiExecAsync(dedicated, queued, timeout.Token).ConfigureAwait(false);
            }
            reusable = true;
            return applied;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RedisTimeoutException($"The transaction did not complete within {multiplexer.Options.AsyncTimeout} ms (asyncTimeout).");
        }
        finally
        {
            multiplexer.BlockingPool.Return(dedicated, reusable);
        }
    }

    private Task<bool> RunMultiExecAsync(PhysicalConnection connection, (RedisCommand Command, RedisValue[] Args, IReplySink Sink)[] queued, CancellationToken cancellationToken)
    {
        var statuses = new StatusSink[queued.Length];
        var commandSinks = new IReplySink[queued.Length];
        var batch = new (RedisCommand, RedisValue[], IReplySink)[queued.Length + 2];
        batch[0] = (RedisCommand.Multi, [], new StatusSink());
        for (var i = 0; i < queued.Length; i++)
        {
            statuses[i] = new StatusSink();
            commandSinks[i] = queued[i].Sink;
            batch[i + 1] = (queued[i].Command, queued[i].Args, statuses[i]);
        }
        var exec = new ExecSink(commandSinks, statuses);
        batch[^1] = (RedisCommand.Exec, [], exec);
        if (!connection.TryWriteAtomically(batch, database))
        {
            exec.SetFailure(connection.DeadConnectionException());
        }
        return exec.Task.WaitAsync(cancellationToken);
    }

    public override Task<RedisResult> ScriptEvaluateAsync(string script, RedisKey[]? keys = null, RedisValue[]? values = null, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        base.ScriptEvaluateAsync(script, keys, values, flags, cancellationToken);
}
