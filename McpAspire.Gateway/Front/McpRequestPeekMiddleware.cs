namespace McpAspire.Gateway.Front;

/// <summary>
/// Reads a JSON POST to the MCP endpoint or the legacy message path once (<see cref="McpRequestPeek"/>) for the
/// middleware after it; a body over <see cref="McpRequestPeek.MaxBodyBytes"/> gets 413 with a JSON-RPC error.
/// </summary>
internal sealed class McpRequestPeekMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method)
            && (request.Path.Equals(GatewayMcpFront.McpPath, StringComparison.Ordinal) || request.Path.Equals(GatewayMcpFront.LegacyMessagePath, StringComparison.Ordinal)))
        {
            if (!McpRequestPeek.LimitBody(context))
            {
                await TooLargeAsync(context).ConfigureAwait(false);
                return;
            }
            try
            {
                await McpRequestPeek.ReadAsync(context).ConfigureAwait(false);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await TooLargeAsync(context).ConfigureAwait(false);
                return;
            }
        }
        await next(context).ConfigureAwait(false);
    }

    private static Task TooLargeAsync(HttpContext context) =>
        JsonRpcErrorResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, -32600,
            $"Request body too large: at most {McpRequestPeek.MaxBodyBytes} bytes.");
}
