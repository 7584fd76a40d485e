namespace McpAspire.Redis;

/// <summary>
/// A group of commands sent together, as StackExchange.Redis's <c>IBatch</c>: call command methods on it (nothing is
/// sent yet), then <see cref="Execute"/> writes them all in one uninterrupted block; await the tasks afterwards.
/// Not atomic (use a transaction for that). Concurrent callers are pipelined automatically anyway; a batch only
/// guarantees the commands go out back to back.
/// </summary>
public interface IBatch : IDatabaseAsync
{
    /// <summary>Sends the queued commands (without blocking: when disconnected they go out once reconnected).</summary>
    void Execute();
}
