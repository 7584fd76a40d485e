using System.Globalization;
using McpAspire.Gateway.Front;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// Applies <see cref="RateLimitFilter"/> to every JSON-RPC request a client POSTs to the MCP paths, before the SDK (and
/// before any session lookup, so a limited request never touches the session store): the answer to a limited one is
/// HTTP 429, which an SDK request filter could not give. Notifications and client responses are not counted; in a
/// batch, the first limited request answers for the body.
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, RateLimitFilter limits)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (McpRequestPeek.Of(context) is { } peek)
        {
            foreach (var message in peek.All)
            {
                if (message.Method is not { } method || message.IsNotification)
                {
                    continue;
                }
                if (await limits.OnRequestAsync(context, method, method == ModelContextProtocol.Protocol.RequestMethods.ToolsCall ? message.StringParam("name") : null, context.RequestAborted).ConfigureAwait(false) is { } rejection)
                {
                    var seconds = Math.Max(1, (long)Math.Ceiling(rejection.RetryAfter.TotalSeconds));
                    context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                    await JsonRpcErrorResponse.WriteAsync(context, StatusCodes.Status429TooManyRequests, RateLimitFilter.ErrorCode,
                        rejection.Message, message.IdNode(), rejection.Data).ConfigureAwait(false);
                    return;
                }
            }
        }
        await next(context).ConfigureAwait(false);
    }
}
