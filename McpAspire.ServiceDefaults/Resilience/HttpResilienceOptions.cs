using Microsoft.Extensions.Options;

namespace McpAspire.ServiceDefaults.Resilience;

/// <summary>
/// Resilience settings for every factory <see cref="HttpClient"/>, bound from <c>Resilience:Http</c>.
/// Defaults follow Aspire's standard resilience handler.
/// </summary>
public sealed class HttpResilienceOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Resilience:Http";

    /// <summary>Upper bound for one logical request, retries included.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound for each attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, for transient failures of idempotent requests only.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Base delay of the exponential backoff (<c>delay × 2^(attempt−1)</c>, with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Cap on one backoff delay.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failure ratio in the sampling window that opens the circuit.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.1;

    /// <summary>Requests needed in the sampling window before the circuit may open.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 100;

    /// <summary>Sampling window of the circuit breaker.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Checks <see cref="HttpResilienceOptions"/> at start-up so a bad value fails fast with its name.</summary>
public sealed class HttpResilienceOptionsValidator : IValidateOptions<HttpResilienceOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, HttpResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string s = HttpResilienceOptions.SectionName;
        if (options.TotalRequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{s}:TotalRequestTimeout must be positive.");
        }
        if (options.AttemptTimeout <= TimeSpan.Zero || options.AttemptTimeout > options.TotalRequestTimeout)
        {
            failures.Add($"{s}:AttemptTimeout must be positive and not above TotalRequestTimeout.");
        }
        if (options.MaxRetryAttempts is < 0 or > 100)
        {
            failures.Add($"{s}:MaxRetryAttempts must be between 0 and 100.");
        }
        if (options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"{s}:RetryDelay must be non-negative and MaxRetryDelay at least RetryDelay.");
        }
        if (options.CircuitBreakerFailureRatio is <= 0 or > 1)
        {
            failures.Add($"{s}:CircuitBreakerFailureRatio must be in (0, 1].");
        }
        if (options.CircuitBreakerMinimumThroughput < 2)
        {
            failures.Add($"{s}:CircuitBreakerMinimumThroughput must be at least 2.");
        }
        if (options.CircuitBreakerSamplingDuration < TimeSpan.FromMilliseconds(500)
            || options.CircuitBreakerSamplingDuration < options.AttemptTimeout * 2)
        {
            failures.Add($"{s}:CircuitBreakerSamplingDuration must be at least 0.5 s and twice AttemptTimeout.");
        }
        if (options.CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            failures.Add($"{s}:CircuitBreakerBreakDuration must be at least 0.5 s.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
