namespace McpAspire.Redis;

/// <summary>
/// A MULTI/EXEC transaction, as in StackExchange.Redis: call command methods on it (nothing is sent yet; their tasks
/// complete after execution), add conditions, then <see cref="ExecuteAsync(CommandFlags, CancellationToken)"/>.
/// Without conditions the commands are written to the shared connection in one uninterrupted block. With conditions a
/// dedicated connection WATCHes the condition keys, checks every condition, and only then sends MULTI … EXEC; if a
/// condition fails or a watched key changes, nothing is applied, the result is false and the queued tasks are canceled.
/// </summary>
public interface ITransaction : IDatabaseAsync
{
    /// <summary>Adds a precondition checked under WATCH before the commands are applied.</summary>
    ConditionResult AddCondition(Condition condition);

    /// <summary>Sends the transaction; true when it was applied.</summary>
    Task<bool> ExecuteAsync(CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);
}
