using System.Runtime.CompilerServices;
using McpAspire.Redis.Protocol;
using McpAspire.Redis.Transactions;

namespace McpAspire.Redis.Commands;

/// <summary>A database on the multiplexer's shared connection; blocking commands go to a dedicated connection.</summary>
internal sealed class RedisDatabase(ConnectionMultiplexer multiplexer, int database) : RedisDatabaseBase, IDatabase
{
    public int Database => database;

    public IConnectionMultiplexer Multiplexer => multiplexer;

    protected override Task<T> Execute<T>(RedisCommand command, ReadOnlySpan<RedisValue> args, ResultProcessor<T> processor, CancellationToken cancellationToken) =>
        multiplexer.Interactive.SendAsync(command, args, processor, database, cancellationToken);

    protected override Task<RedisResult> ExecuteRaw(RedisCommand command, RedisValue[] args, CancellationToken cancellationToken) =>
        command.IsBlocking ? ExecuteBlockingAsync(command, args, cancellationToken) : base.ExecuteRaw(command, args, cancellationToken);

    private async Task<RedisResult> ExecuteBlockingAsync(RedisCommand command, RedisValue[] args, CancellationToken cancellationToken)
    {
        var connection = await multiplexer.BlockingPool.RentAsync(cancellationToken).ConfigureAwait(false);
        var reusable = false;
        try
        {
            var result = await connection.SendAsync(command, args, ResultProcessors.Result, database, cancellationToken).ConfigureAwait(false);
            reusable = true;
            return result;
        }
        finally
        {
            // A canceled blocking command is still blocking on the server: that connection is closed, not reused.
            multiplexer.BlockingPool.Return(connection, reusable);
        }
    }

    public override async Task<RedisResult> ScriptEvaluateAsync(string script, RedisKey[]? keys = null, RedisValue[]? values = null, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        var args = ScriptArgs(multiplexer.ScriptHash(script), keys, values);
        try
        {
            return await Execute(RedisCommand.EvalSha, args, ResultProcessors.Result, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.ErrorCode == "NOSCRIPT")
        {
            // First use on this server (or after SCRIPT FLUSH / a restart): EVAL runs it and caches it server-side.
            args[0] = script;
            return await Execute(RedisCommand.Eval, args, ResultProcessors.Result, cancellationToken).ConfigureAwait(false);
        }
    }

    public async IAsyncEnumerable<RedisKey> ScanAsync(RedisValue pattern = default, int pageSize = 250, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        RedisValue cursor = 0;
        do
        {
            RedisValue[] args = pattern.IsNull ? [cursor, "COUNT", pageSize] : [cursor, "MATCH", pattern, "COUNT", pageSize];
            var (next, keys) = await Execute(RedisCommand.Scan, args, ResultProcessors.ScanPage, cancellationToken).ConfigureAwait(false);
            foreach (var key in keys)
            {
                yield return key;
            }
            cursor = next;
        }
        while (cursor != 0);
    }

    public ITransaction CreateTransaction(object? asyncState = null) => new RedisTransaction(multiplexer, database);

    public IBatch CreateBatch(object? asyncState = null) => new RedisBatch(multiplexer, database);
}
