using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// A tools/call filter around every tool: a call that fails is classified (<see cref="ErrorCategories"/>), retried when
/// the tool is read-only or idempotent and its category's strategy allows another attempt (<see cref="RetryStrategies"/>:
/// attempts, delay and backoff per category, each retry logged), and recorded in the
/// <see cref="ErrorLog"/>; the caller then gets the error as before. A failure a retry cured is recorded too, marked
/// <c>recovered</c> with the attempts it took: the platform failed even though the caller did not see it.
/// </summary>
internal static partial class ToolErrorFilter
{
    private static readonly string[] s_agentArguments = ["from", "agentId", "id", "to"];

    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Wrap(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (request, cancellationToken) =>
        {
            var services = request.Services!;
            var strategies = services.GetRequiredService<RetryStrategies>();
            var time = services.GetRequiredService<TimeProvider>();
            var annotations = (request.MatchedPrimitive as McpServerTool)?.ProtocolTool.Annotations;
            var mayRetry = annotations?.ReadOnlyHint == true || annotations?.IdempotentHint == true;
            var tool = request.Params?.Name ?? "";
            (string Category, string Severity, string Message)? cured = null;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var result = await next(request, cancellationToken).ConfigureAwait(false);
                    if (cured is { } failure)
                    {
                        services.GetRequiredService<ErrorLog>().Record(new ToolError(
                            time.GetUtcNow(), tool, AgentOf(request.Params), failure.Category, failure.Severity, failure.Message, attempt, Recovered: true));
                    }
                    return result;
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    var (category, severity) = ErrorCategories.Classify(ex);
                    var strategy = strategies.For(category);
                    if (mayRetry && attempt <= strategy.Attempts)
                    {
                        var delay = strategy.DelayBefore(attempt);
                        LogRetry(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ToolErrorFilter)), tool, category, attempt, (long)delay.TotalMilliseconds, ex.Message);
                        cured = (category, severity, ex.Message);
                        await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    services.GetRequiredService<ErrorLog>().Record(new ToolError(
                        time.GetUtcNow(), tool, AgentOf(request.Params), category, severity, ex.Message, attempt, Recovered: false));
                    throw;
                }
            }
        };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tool {Tool} failed with a {Category} error on attempt {Attempt}; retrying in {DelayMs} ms: {Error}")]
    private static partial void LogRetry(ILogger logger, string tool, string category, int attempt, long delayMs, string error);

    private static string? AgentOf(CallToolRequestParams? call)
    {
        if (call?.Arguments is not { } arguments)
        {
            return null;
        }
        foreach (var name in s_agentArguments)
        {
            if (arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }
        return null;
    }
}
