using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// The retry strategy of every error category, resolved once from <see cref="AgentOptions"/>: a category configured under
/// <c>ToolHost:Agents:Retry</c> uses its own settings (what it leaves unset from the global ones); <c>redis</c> and
/// <c>timeout</c> otherwise use the global <see cref="AgentOptions.RetryAttempts"/> and <see cref="AgentOptions.RetryDelay"/>
/// (doubling); every other category is not retried.
/// </summary>
internal sealed class RetryStrategies
{
    /// <summary>Categories a retry can never cure: the caller's own mistakes, and defects.</summary>
    public static readonly FrozenSet<string> NeverRetried = FrozenSet.Create(StringComparer.Ordinal,
        ErrorCategories.Validation, ErrorCategories.Permission, ErrorCategories.Internal);

    private static readonly Strategy s_none = new(0, TimeSpan.Zero, 1.0);
    private readonly FrozenDictionary<string, Strategy> _byCategory;

    /// <summary>A category's resolved strategy.</summary>
    public sealed record Strategy(int Attempts, TimeSpan Delay, double Backoff)
    {
        /// <summary>The wait before retry number <paramref name="retry"/> (1-based), at most 5 minutes.</summary>
        public TimeSpan DelayBefore(int retry) =>
            TimeSpan.FromTicks((long)Math.Min(Delay.Ticks * Math.Pow(Backoff, retry - 1), TimeSpan.FromMinutes(5).Ticks));
    }

    public RetryStrategies(IOptions<AgentOptions> options)
        : this(options.Value)
    {
    }

    internal RetryStrategies(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var byCategory = new Dictionary<string, Strategy>(StringComparer.Ordinal);
        var global = new Strategy(options.RetryAttempts, options.RetryDelay, 2.0);
        byCategory[ErrorCategories.Redis] = global;
        byCategory[ErrorCategories.Timeout] = global;
        foreach (var (category, settings) in options.Retry)
        {
            byCategory[category] = new Strategy(settings?.Attempts ?? global.Attempts, settings?.Delay ?? global.Delay, settings?.Backoff ?? global.Backoff);
        }
        _byCategory = byCategory.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The strategy for a category (no retries when none is configured).</summary>
    public Strategy For(string category) => _byCategory.GetValueOrDefault(category, s_none);

    /// <summary>Start-up errors in <c>ToolHost:Agents:Retry</c>: unknown categories, retries of caller mistakes, bad values.</summary>
    public static IEnumerable<string> Validate(AgentOptions options)
    {
        foreach (var (category, settings) in options.Retry)
        {
            var at = $"ToolHost:Agents:Retry:{category}";
            if (!ErrorCategories.All.Contains(category))
            {
                yield return $"{at}: unknown error category; known: {string.Join(", ", ErrorCategories.All)}.";
                continue;
            }
            var attempts = settings?.Attempts ?? options.RetryAttempts;
            if (NeverRetried.Contains(category) && attempts > 0)
            {
                yield return $"{at}:Attempts must be 0: a retry cannot cure a {category} failure.";
            }
            if (attempts is < 0 or > 10)
            {
                yield return $"{at}:Attempts must be between 0 and 10.";
            }
            if (settings?.Delay is { } delay && (delay < TimeSpan.Zero || delay > TimeSpan.FromSeconds(30)))
            {
                yield return $"{at}:Delay must be between 0 and 30 s.";
            }
            if (settings?.Backoff is { } backoff && !(backoff >= 1.0 && backoff <= 10.0))
            {
                yield return $"{at}:Backoff must be between 1 and 10.";
            }
        }
    }
}
