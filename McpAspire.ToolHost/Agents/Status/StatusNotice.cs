namespace McpAspire.ToolHost.Agents;

/// <summary>
/// Paces <c>status://system</c> update notifications: at most one per interval, and a change inside the interval is
/// announced at its end (one notification covers every change before it), never dropped. A subscriber that read the
/// status after the last notification therefore always hears of a later change.
/// </summary>
internal sealed class StatusNotice
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Func<CancellationToken, Task> _send;
    private long _lastSent = long.MinValue;
    private int _pending;

    public StatusNotice(TimeProvider time, TimeSpan interval, Func<CancellationToken, Task> send)
    {
        _time = time;
        _interval = interval;
        _send = send;
    }

    /// <summary>Says the status changed: sends now if the last notification is older than the interval, else at its end.</summary>
    public void Changed(CancellationToken cancellationToken)
    {
        // One pending notification covers every change until it is sent.
        if (Interlocked.CompareExchange(ref _pending, 1, 0) != 0)
        {
            return;
        }
        var last = Interlocked.Read(ref _lastSent);
        var wait = last == long.MinValue ? TimeSpan.Zero : _interval - _time.GetElapsedTime(last);
        _ = SendAsync(wait, cancellationToken);
    }

    private async Task SendAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        Interlocked.Exchange(ref _lastSent, _time.GetTimestamp());
        // Cleared before sending: a change from here on is after what the subscriber will read, so it needs its own notice.
        Volatile.Write(ref _pending, 0);
        await _send(cancellationToken).ConfigureAwait(false);
    }
}
