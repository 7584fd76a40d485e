namespace McpAspire.Gateway.Downstream;

/// <summary>
/// A point-in-time copy of a downstream's statistics (<c>ForwardedRequests</c>: of the total, the 2026-07-28 tool calls
/// forwarded without the session, see <c>Forwarding/</c>).
/// </summary>
public sealed record DownstreamStatsSnapshot(
    long TotalRequests,
    long SuccessfulRequests,
    long FailedRequests,
    double SuccessRate,
    double MinLatencyMs,
    double AvgLatencyMs,
    double MaxLatencyMs,
    double P99LatencyMs,
    long Reconnections,
    long ForwardedRequests);

/// <summary>
/// Per-server request statistics (REQUIREMENTS: total, successful and failed requests; total, min, max and average
/// latency; success rate) plus p99 over the last 2048 requests. Lock-free counters; the latency window takes a short lock.
/// </summary>
public sealed class DownstreamStats
{
    private const int WindowSize = 2048;
    private readonly double[] _window = new double[WindowSize];
    private readonly Lock _windowLock = new();
    private int _windowCount;
    private int _windowNext;
    private long _total;
    private long _success;
    private long _failed;
    private long _reconnections;
    private long _forwarded;
    private double _totalMs;
    private double _minMs = double.MaxValue;
    private double _maxMs;

    /// <summary>Records one finished request.</summary>
    public void Record(TimeSpan elapsed, bool success)
    {
        var ms = elapsed.TotalMilliseconds;
        Interlocked.Increment(ref _total);
        Interlocked.Increment(ref success ? ref _success : ref _failed);
        lock (_windowLock)
        {
            _totalMs += ms;
            _minMs = Math.Min(_minMs, ms);
            _maxMs = Math.Max(_maxMs, ms);
            _window[_windowNext] = ms;
            _windowNext = (_windowNext + 1) % WindowSize;
            _windowCount = Math.Min(_windowCount + 1, WindowSize);
        }
    }

    /// <summary>Counts a request forwarded without the session (it is recorded with <see cref="Record"/> as well).</summary>
    public void Forwarded() => Interlocked.Increment(ref _forwarded);

    /// <summary>Counts a reconnection.</summary>
    public void Reconnected() => Interlocked.Increment(ref _reconnections);

    /// <summary>Copies the numbers.</summary>
    public DownstreamStatsSnapshot Snapshot()
    {
        double[] window;
        double totalMs, minMs, maxMs;
        lock (_windowLock)
        {
            window = _window.AsSpan(0, _windowCount).ToArray();
            totalMs = _totalMs;
            minMs = _minMs;
            maxMs = _maxMs;
        }
        Array.Sort(window);
        var total = Interlocked.Read(ref _total);
        var success = Interlocked.Read(ref _success);
        var p99 = window.Length == 0 ? 0 : window[Math.Min(window.Length - 1, (int)Math.Ceiling(0.99 * window.Length) - 1)];
        return new DownstreamStatsSnapshot(
            total,
            success,
            Interlocked.Read(ref _failed),
            total == 0 ? 1 : (double)success / total,
            total == 0 ? 0 : Math.Round(minMs, 3),
            total == 0 ? 0 : Math.Round(totalMs / total, 3),
            Math.Round(maxMs, 3),
            Math.Round(p99, 3),
            Interlocked.Read(ref _reconnections),
            Interlocked.Read(ref _forwarded));
    }
}
