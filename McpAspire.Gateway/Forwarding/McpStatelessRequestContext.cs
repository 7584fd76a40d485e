using System.Buffers;
using System.Globalization;
using System.Text.Json;
using McpAspire.Gateway.Front;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Forwarding;

/// <summary>What <see cref="StatelessForwarder"/> sees of one 2026-07-28 request it forwards.</summary>
internal sealed class McpStatelessRequestContext
{
    public McpStatelessRequestContext(HttpContext httpContext, RequestId id, string method, JsonElement parameters, string protocolVersion)
    {
        HttpContext = httpContext;
        Id = id;
        Method = method;
        Params = parameters;
        ProtocolVersion = protocolVersion;
    }

    /// <summary>The HTTP exchange (user, headers, the response to write).</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The request id.</summary>
    public RequestId Id { get; }

    /// <summary>The JSON-RPC method.</summary>
    public string Method { get; }

    /// <summary>The request's revision (header and <c>_meta</c> agree).</summary>
    public string ProtocolVersion { get; }

    /// <summary>The request's <c>params</c> object (valid until the response completes: it lives in the pooled body).</summary>
    public JsonElement Params { get; }

    /// <summary>Set when the answer is an error (the JSON-RPC code, or a short word such as <c>timeout</c>).</summary>
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
        var id = JsonRpcErrorResponse.IdNode(Id);
        if (!response.HasStarted)
        {
            await JsonRpcErrorResponse.WriteAsync(HttpContext, StatusCodes.Status200OK, code, message, id).ConfigureAwait(false);
            return;
        }
        if (response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
        {
            var frame = new ArrayBufferWriter<byte>(256);
            JsonRpcErrorResponse.WriteSseEvent(frame, JsonRpcErrorResponse.Serialize(code, message, id).WrittenSpan);
            await response.Body.WriteAsync(frame.WrittenMemory, cancellationToken).ConfigureAwait(false);
            return;
        }
        HttpContext.Abort();
    }
}
