using System.Text.Json;
using StackExchange.Redis;
using McpAspire.StateService.Telemetry;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace McpAspire.StateService.Api;

/// <summary>
/// Maps failures to problem+json: Redis unreachable or slow → 503 with Retry-After (fail fast, the caller retries),
/// oversized or malformed bodies → their 4xx, anything else → 500 with no internals.
/// </summary>
public sealed partial class StateExceptionHandler : IExceptionHandler
{
    private readonly IProblemDetailsService _problems;
    private readonly StateMetrics _metrics;
    private readonly ILogger<StateExceptionHandler> _logger;

    /// <summary>Creates the handler.</summary>
    public StateExceptionHandler(IProblemDetailsService problems, StateMetrics metrics, ILogger<StateExceptionHandler> logger)
    {
        _problems = problems;
        _metrics = metrics;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var (status, title, detail) = exception switch
        {
            RedisConnectionException or RedisTimeoutException =>
                (StatusCodes.Status503ServiceUnavailable, "State store unavailable", "Redis is unreachable or too slow; retry shortly."),
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Bad request", bad.Message),
            JsonException => (StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is not valid JSON for this endpoint."),
            ArgumentException arg => (StatusCodes.Status400BadRequest, "Invalid request", arg.Message),
            // JsonElement defers UTF-8 checks of string contents until they are read (GetRawText, GetString).
            System.Text.DecoderFallbackException or InvalidOperationException { InnerException: System.Text.DecoderFallbackException } =>
                (StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is not valid UTF-8."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client closed request", "The client went away."),
            OperationCanceledException => (StatusCodes.Status503ServiceUnavailable, "Timed out", "The request took longer than its timeout."),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "An unexpected error occurred."),
        };
        if (status >= 500)
        {
            _metrics.Failed();
            LogFailure(_logger, httpContext.Request.Method, httpContext.Request.Path, status, exception);
        }
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }
        httpContext.Response.StatusCode = status;
        return await _problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
    private static partial void LogFailure(ILogger logger, string method, string path, int status, Exception exception);
}
