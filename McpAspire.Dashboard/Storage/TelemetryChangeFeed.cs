namespace McpAspire.Dashboard.Storage;

/// <summary>
/// Tells live pages that telemetry changed: a version counter per signal, and a wait that completes on the next
/// change. Readers compare versions to learn which signals changed. One allocation per export request, never per span.
/// </summary>
public sealed class TelemetryChangeFeed
{
    private readonly long[] _versions = new long[3];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Marks a signal changed and wakes waiters.</summary>
    public void Notify(TelemetrySignal signal)
    {
        Interlocked.Increment(ref _versions[(int)signal]);
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>The current version of a signal.</summary>
    public long Version(TelemetrySignal signal) => Interlocked.Read(ref _versions[(int)signal]);

    /// <summary>A task that completes at the next change (take it before reading versions, so no change is missed).</summary>
    public Task NextChange => Volatile.Read(ref _changed).Task;
}
