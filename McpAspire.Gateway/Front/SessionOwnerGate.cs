namespace McpAspire.Gateway.Front;

/// <summary>
/// Sessions belong to the principal that opened them, and another principal must not learn one exists. The SDK answers
/// another caller on a live session with 403 (Streamable HTTP) and an unknown legacy session with 400; here both get
/// what a session that never existed gets: 404 with JSON-RPC -32001 "Session not found". Legacy SSE messages
/// (<c>…/message?sessionId=</c>) are checked on every replica mode (those sessions live in one process); Streamable
/// HTTP sessions only when they are not shared (<c>SharedSessionGate</c> checks shared ones against their record).
/// </summary>
internal sealed class SessionOwnerGate(RequestDelegate next, LiveSessions live, bool checkStreamableSessions)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.Equals(GatewayMcpFront.LegacyMessagePath, StringComparison.Ordinal) && HttpMethods.IsPost(request.Method))
        {
            var id = request.Query["sessionId"].ToString();
            if (!live.IsLegacySessionOf(id, context.User))
            {
                return NotFoundAsync(context);
            }
        }
        else if (checkStreamableSessions && request.Path.Equals(GatewayMcpFront.McpPath, StringComparison.Ordinal)
            && request.Headers["Mcp-Session-Id"].ToString() is { Length: > 0 } sessionId
            && live.BelongsToAnother(sessionId, context.User))
        {
            return NotFoundAsync(context);
        }
        return next(context);
    }

    /// <summary>What the SDK answers for a session id it does not know.</summary>
    public static Task NotFoundAsync(HttpContext context) =>
        JsonRpcErrorResponse.WriteAsync(context, StatusCodes.Status404NotFound, -32001, "Session not found");
}
