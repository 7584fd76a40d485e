using System.Text.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// A tools/call filter around every tool: a call that fails is classified (<see cref="ErrorCategories"/>), retried when
/// its category is retryable and the tool is read-only or idempotent (<see cref="AgentOptions.RetryAttempts"/> more
/// attempts, <see cref="AgentOptions.RetryDelay"/> apart, doubling), and recorded in the <see cref="ErrorLog"/>; the
/// caller then gets the error as before.
/// </summary>
internal static class ToolErrorFilter
{
    private static readonly string[] s_agentArguments = ["from", "agentId", "id", "to"];

    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Wrap(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (request, cancellationToken) =>
        {
            var services = request.Services!;
            var options = services.GetRequiredService<IOptions<AgentOptions>>().Value;
            var time = services.GetRequiredService<TimeProvider>();
            var annotations = (request.MatchedPrimitive as McpServerTool)?.ProtocolTool.Annotations;
            var mayRetry = annotations?.ReadOnlyHint == true || annotations?.IdempotentHint == true;
            var delay = options.RetryDelay;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await next(request, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    var (category, severity) = ErrorCategories.Classify(ex);
                    if (mayRetry && ErrorCategories.IsRetryable(category) && attempt <= options.RetryAttempts)
                    {
                        await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                        delay *= 2;
                        continue;
                    }
                    services.GetRequiredService<ErrorLog>().Record(new ToolError(
                        time.GetUtcNow(), request.Params?.Name ?? "", AgentOf(request.Params), category, severity, ex.Message, attempt));
                    throw;
                }
            }
        };

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
