using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using McpAspire.Mcp.Http;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Protocol;

namespace McpAspire.Mcp.Forwarding;

/// <summary>What an <see cref="IMcpStatelessRequestHandler"/> sees of one 2026-07-28 request.</summary>
public sealed class McpStatelessRequestContext
{
    internal McpStatelessRequestContext(HttpContext httpContext, JsonRpcRequest request, string protocolVersion)
    {
        HttpContext = httpContext;
        Request = request;
        ProtocolVersion = protocolVersion;
    }

    /// <summary>The HTTP exchange (user, headers, the response to write).</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The parsed request (method, id, params with their <c>_meta</c>).</summary>
    public JsonRpcRequest Request { get; }

    /// <summary>The request's revision (header and <c>_meta</c> agree; the endpoint checked).</summary>
    public string ProtocolVersion { get; }

    /// <summary>The request's <c>params</c> object, or null.</summary>
    public JsonObject? Params => Request.Params as JsonObject;

    /// <summary>
    /// Set by the handler when its answer is an error (the JSON-RPC code, or a short word such as <c>timeout</c>); the
    /// endpoint records it as <c>error.type</c> of the request's span and duration metric.
    /// </summary>
    public string? ErrorType { get; set; }

    /// <summary>
    /// Answers the request with a JSON-RPC error wherever the response stands: a JSON body (HTTP 200) when nothing was
    /// written yet, one more SSE event when an event stream is under way, and an aborted connection when a JSON body
    /// was partly written (the client sees a broken response rather than a wrong one).
    /// </summary>
    public async Task WriteErrorAsync(int code, string message, CancellationToken cancellationToken)
    {
        ErrorType ??= code.ToString(CultureInfo.InvariantCulture);
        var response = HttpContext.Response;
        if (!response.HasStarted)
        {
            await JsonRpcErrorWriter.WriteAsync(HttpContext, StatusCodes.Status200OK, code, message, Request.Id).ConfigureAwait(false);
            return;
        }
        if (response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
        {
            var frame = new ArrayBufferWriter<byte>(256);
            SseFrames.Write(frame, null, JsonRpcErrorWriter.Serialize(code, message, Request.Id).WrittenSpan, null);
            await response.Body.WriteAsync(frame.WrittenMemory, cancellationToken).ConfigureAwait(false);
            return;
        }
        HttpContext.Abort();
    }
}
