using System.Threading.Tasks.Sources;

namespace McpAspire.Redis.Connections;

/// <summary>
/// An allocation-free auto-reset signal for the single write loop: <see cref="Set"/> from any thread, one awaiter at a
/// time. (SemaphoreSlim.WaitAsync allocates a task per wait, i.e. per flush.)
/// </summary>
internal sealed class WriteSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private readonly Lock _lock = new();
    private bool _signaled;
    private bool _waiting;

    /// <summary>Completes at once if signaled since the last wait, otherwise when <see cref="Set"/> is called.</summary>
    public ValueTask WaitAsync()
    {
        lock (_lock)
        {
            if (_signaled)
            {
                _signaled = false;
                return ValueTask.CompletedTask;
            }
            _core.Reset();
            _waiting = true;
            return new ValueTask(this, _core.Version);
        }
    }

    public void Set()
    {
        lock (_lock)
        {
            if (!_waiting)
            {
                _signaled = true;
                return;
            }
            _waiting = false;
        }
        _core.SetResult(true);
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
