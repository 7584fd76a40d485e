using System.Collections.Concurrent;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// Wakes <c>messages_receive</c> calls waiting on a mailbox when the events channel says it changed (sent on any
/// replica). A waiter takes the current signal before it looks at the mailbox, so a send between the look and the
/// wait is never missed.
/// </summary>
internal sealed class MailboxSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next change of the mailbox.</summary>
    public Task Next(string agentId) =>
        _signals.GetOrAdd(agentId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Completes the current signal of the mailbox.</summary>
    public void Signal(string agentId)
    {
        if (_signals.TryRemove(agentId, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>Wakes every waiter (after a reconnect, when change messages may have been missed).</summary>
    public void SignalAll()
    {
        foreach (var id in _signals.Keys)
        {
            Signal(id);
        }
    }
}
