namespace McpAspire.Gateway.Downstream;

/// <summary>
/// Reconnect delays: <c>delay = base × 2^(attempt−1)</c>, capped, then "equal jitter" (half fixed, half random) so
/// replicas that lost a server together do not reconnect in lockstep, while the delay still grows.
/// </summary>
public static class ReconnectBackoff
{
    /// <summary>The delay before reconnect attempt <paramref name="attempt"/> (1-based).</summary>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var exponent = Math.Min(attempt - 1, 30);
        var raw = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        var half = raw / 2;
        return TimeSpan.FromMilliseconds(half + ((random ?? Random.Shared).NextDouble() * half));
    }
}
