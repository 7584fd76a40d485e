namespace McpAspire.Redis;

/// <summary>A database of the server (SELECT index), shaped like StackExchange.Redis's <c>IDatabase</c> (async members only).</summary>
public interface IDatabase : IDatabaseAsync
{
    /// <summary>The database index.</summary>
    int Database { get; }

    /// <summary>The multiplexer this database talks through.</summary>
    IConnectionMultiplexer Multiplexer { get; }

    /// <summary>
    /// Iterates keys with SCAN (cursor pages of about <paramref name="pageSize"/>) matching <paramref name="pattern"/>
    /// (all keys when null). Keys changed during the scan may be missed or seen twice, as SCAN guarantees.
    /// </summary>
    IAsyncEnumerable<RedisKey> ScanAsync(RedisValue pattern = default, int pageSize = 250, CancellationToken cancellationToken = default);

    /// <summary>
    /// A MULTI/EXEC transaction: queue commands on it (their tasks complete after <see cref="ITransaction.ExecuteAsync(CommandFlags, CancellationToken)"/>),
    /// optionally guarded by <see cref="ITransaction.AddCondition(Condition)"/> (WATCH-based).
    /// </summary>
    ITransaction CreateTransaction(object? asyncState = null);

    /// <summary>A batch: commands queued on it go out back to back when <see cref="IBatch.Execute"/> is called.</summary>
    IBatch CreateBatch(object? asyncState = null);
}
