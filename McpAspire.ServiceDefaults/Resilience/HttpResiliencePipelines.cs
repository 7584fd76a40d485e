using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace McpAspire.ServiceDefaults.Resilience;

/// <summary>
/// One resilience pipeline per named HTTP client, kept for the process lifetime so circuit-breaker state survives
/// the factory's handler rotation. Stands in for Microsoft.Extensions.Http.Resilience's standard handler.
/// </summary>
public sealed partial class HttpResiliencePipelines
{
    /// <summary>Key under which the request travels in the <see cref="ResilienceContext"/>.</summary>
    internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("McpAspire.HttpRequest");

    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<HttpResilienceOptions> _options;
    private readonly ILogger<HttpResiliencePipelines> _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the registry.</summary>
    public HttpResiliencePipelines(IOptionsMonitor<HttpResilienceOptions> options, ILogger<HttpResiliencePipelines> logger, TimeProvider? timeProvider = null)
    {
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The pipeline of the named client (built on first use).</summary>
    public ResiliencePipeline<HttpResponseMessage> Get(string clientName) =>
        _pipelines.GetOrAdd(clientName ?? string.Empty, Build);

    /// <summary>Methods that are safe to send twice (RFC 9110 §9.2.2).</summary>
    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
        || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace;

    /// <summary>Transient outcomes: connection failures, attempt timeouts, 408, 429 and 5xx.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            || (int)response.StatusCode >= 500,
        _ => false,
    };

    private ResiliencePipeline<HttpResponseMessage> Build(string clientName)
    {
        var o = _options.CurrentValue;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _timeProvider, Name = clientName }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = o.TotalRequestTimeout, Name = "total" })
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "retry",
                MaxRetryAttempts = o.MaxRetryAttempts,
                Delay = o.RetryDelay,
                MaxDelay = o.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(
                    IsTransient(args.Outcome)
                    && args.Context.Properties.TryGetValue(RequestKey, out var request)
                    && IsIdempotent(request.Method)),
                OnRetry = args =>
                {
                    LogRetry(_logger, clientName, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds,
                        args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : args.Outcome.Exception?.GetType().Name);
                    // The failed response is discarded; free its connection before the next attempt.
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                Name = "circuit",
                FailureRatio = o.CircuitBreakerFailureRatio,
                MinimumThroughput = o.CircuitBreakerMinimumThroughput,
                SamplingDuration = o.CircuitBreakerSamplingDuration,
                BreakDuration = o.CircuitBreakerBreakDuration,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnOpened = args =>
                {
                    LogCircuitOpened(_logger, clientName, args.BreakDuration.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = o.AttemptTimeout, Name = "attempt" })
            .Build();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "HTTP client {ClientName}: retry {Attempt} in {DelayMs} ms after {Outcome}")]
    private static partial void LogRetry(ILogger logger, string clientName, int attempt, double delayMs, string? outcome);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "HTTP client {ClientName}: circuit opened for {BreakMs} ms")]
    private static partial void LogCircuitOpened(ILogger logger, string clientName, double breakMs);
}
