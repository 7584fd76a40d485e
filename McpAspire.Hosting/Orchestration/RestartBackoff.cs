namespace McpAspire.Hosting.Orchestration;

/// <summary>Delay before the n-th consecutive restart: 0.5 s × 2^(n−1), capped.</summary>
internal static class RestartBackoff
{
    /// <summary>The delay for <paramref name="attempt"/> (1-based).</summary>
    public static TimeSpan Delay(int attempt, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var ms = 500.0 * Math.Pow(2, Math.Min(attempt - 1, 20));
        return TimeSpan.FromMilliseconds(Math.Min(ms, max.TotalMilliseconds));
    }
}
