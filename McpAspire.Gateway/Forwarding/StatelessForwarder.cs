using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using McpAspire.Gateway.Diagnostics;
using McpAspire.Gateway.Downstream;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Forwarding;

/// <summary>
/// Sends 2026-07-28 <c>tools/call</c>, <c>prompts/get</c> and <c>resources/read</c> requests to one HTTP downstream
/// that accepts that revision, and relays the answer to the caller as it arrives: status, content type and body bytes
/// unchanged, JSON or an SSE stream (progress, input requests, then the result). The request is re-encoded once (the
/// item's own name, the caller's other params and per-request <c>_meta</c>, the gateway's client info and trace
/// context); the answer is only scanned, never parsed into objects. Stateless on both sides: no downstream session, no
/// request id to remap, cancellation by closing.
/// </summary>
internal sealed partial class StatelessForwarder
{
    private const string StatelessRevision = "2026-07-28";
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private static readonly JsonEncodedText s_clientInfoName = JsonEncodedText.Encode("mcpaspire-gateway");
    private static readonly JsonEncodedText s_clientInfoVersion = JsonEncodedText.Encode(typeof(StatelessForwarder).Assembly.GetName().Version?.ToString() ?? "1.0.0");
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly DownstreamConnection _connection;
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    private StatelessForwarder(DownstreamConnection connection, Uri endpoint, HttpClient http, ILogger logger)
    {
        _connection = connection;
        Endpoint = endpoint;
        _http = http;
        _logger = logger;
    }

    /// <summary>The server's MCP endpoint.</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// Asks the server with <c>server/discover</c> whether it takes 2026-07-28 requests; returns a forwarder when it
    /// does, null when it does not (or does not answer like an MCP server of that revision).
    /// </summary>
    public static async Task<StatelessForwarder?> DiscoverAsync(DownstreamConnection connection, Uri endpoint, HttpClient http, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var body = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteString("id", "mcpaspire-discover");
            writer.WriteString("method", "server/discover");
            writer.WriteStartObject("params");
            writer.WriteStartObject("_meta");
            writer.WriteString(MetaKeys.ProtocolVersion, StatelessRevision);
            writer.WriteStartObject(MetaKeys.ClientCapabilities);
            writer.WriteEndObject();
            WriteClientInfo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        using var request = NewRequest(connection, endpoint, "server/discover", body.WrittenMemory);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
        {
            return null;
        }
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var isSse = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        // One response, as JSON or as the data of an SSE event.
        var messages = isSse
            ? text.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim())
            : [text];
        foreach (var message in messages)
        {
            if (message.Length == 0)
            {
                continue;
            }
            try
            {
                using var json = JsonDocument.Parse(message);
                if (json.RootElement.ValueKind == JsonValueKind.Object
                    && json.RootElement.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
                    && result.TryGetProperty("supportedVersions", out var versions) && versions.ValueKind == JsonValueKind.Array
                    && versions.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String && v.ValueEquals(StatelessRevision)))
                {
                    return new StatelessForwarder(connection, endpoint, http, logger);
                }
            }
            catch (JsonException)
            {
            }
        }
        return null;
    }

    /// <summary>
    /// Forwards the caller's request and relays the answer. Failures that leave no answer to relay (unreachable,
    /// timeout, an HTTP error that is not MCP, a stream that ends early) are answered with the gateway's own errors
    /// naming the server, as on the session path; a retryable request that could not reach the server at all is sent
    /// again (<c>RetryAttempts</c>, <c>RetryDelay</c>).
    /// </summary>
    public async Task ForwardAsync(McpStatelessRequestContext context, ForwardedRequest forwarded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = _connection.Name;
        var options = _connection.Options;
        var timeoutAfter = options.RequestTimeout;
        var started = Stopwatch.GetTimestamp();
        using var activity = GatewayMetrics.StartCall(forwarded.Method, name);
        activity?.SetTag("mcp.gateway.forwarding", "stateless");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timeoutAfter);
        string? errorType = null;
        try
        {
            var body = WriteRequest(context, forwarded, activity ?? Activity.Current);
            var mcpName = McpHeaderEncoder.EncodeValue(forwarded.McpName);
            var attempts = forwarded.Retryable ? options.RetryAttempts + 1 : 1;
            HttpResponseMessage response;
            for (var attempt = 1; ; attempt++)
            {
                using var request = NewRequest(_connection, Endpoint, forwarded.Method, body);
                request.Headers.TryAddWithoutValidation("Mcp-Name", mcpName);
                if (forwarded.Tool is { } tool)
                {
                    ToolParamHeaders.For(tool).Apply(request, context.Params.TryGetProperty("arguments"u8, out var arguments) ? arguments : default);
                }
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                    break;
                }
                // A SocketException can escape the handler unwrapped: the chaos soak saw one from reading the remote
                // end point of a connection the killed tool host had just reset, which became an empty 500.
                catch (Exception ex) when (ex is HttpRequestException or System.Net.Sockets.SocketException)
                {
                    LogForwardFailed(_logger, name, ex.Message);
                    if (attempt >= attempts)
                    {
                        errorType = ex.GetType().Name;
                        await context.WriteErrorAsync(GatewayErrorCodes.DownstreamConnectionError, DownstreamErrors.Connection(name, ex.Message).Message, cancellationToken).ConfigureAwait(false);
                        return;
                    }
                }
                await Task.Delay(options.RetryDelay, timeout.Token).ConfigureAwait(false);
            }
            using (response)
            {
                errorType = await RelayAsync(context, response, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            errorType = "cancelled";
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            errorType = "timeout";
            await context.WriteErrorAsync(GatewayErrorCodes.DownstreamTimeout, DownstreamErrors.Timeout(name, timeoutAfter).Message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
        {
            // The server's side broke while the answer was on its way.
            errorType = ex.GetType().Name;
            LogForwardFailed(_logger, name, ex.Message);
            await context.WriteErrorAsync(GatewayErrorCodes.DownstreamConnectionError, DownstreamErrors.Connection(name, ex.Message).Message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            context.ErrorType ??= errorType;
            _connection.Stats.Forwarded();
            _connection.RecordCall(forwarded.Method, started, errorType, activity);
        }
    }

    private async Task<string?> RelayAsync(McpStatelessRequestContext context, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        // The raw header, unparsed: the relay copies it as it came.
        var contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : "";
        var isSse = IsMediaType(contentType, "text/event-stream");
        var isJson = IsMediaType(contentType, "application/json");
        // 200 with an MCP body, or 400/404 with a JSON-RPC error about the request (SEP-2575 statuses), is the
        // server's answer. Anything else (401/403 for the gateway's own credentials, 429, 5xx, an HTML page) is not
        // the caller's to see as is: it would read a 401 as its own token being refused.
        if (!((status == 200 && (isSse || isJson)) || (status is 400 or 404 && isJson)))
        {
            var detail = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
            LogForwardFailed(_logger, _connection.Name, detail);
            await context.WriteErrorAsync(GatewayErrorCodes.DownstreamConnectionError, DownstreamErrors.Connection(_connection.Name, detail).Message, cancellationToken).ConfigureAwait(false);
            return "http_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var output = context.HttpContext.Response;
        output.StatusCode = status;
        output.ContentType = contentType;
        if (isSse)
        {
            output.Headers.CacheControl = "no-cache,no-store";
            output.Headers["X-Accel-Buffering"] = "no";
            context.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        }
        else if (response.Content.Headers.ContentLength is long length)
        {
            output.ContentLength = length;
        }

        using var watcher = isSse ? new SseOutcomeWatcher() : null;
        ForwardedOutcome? outcome = null;
        var first = true;
        // A JSON answer of known size is read in one piece; streams go by in 4 KiB chunks.
        var buffer = ArrayPool<byte>.Shared.Rent(response.Content.Headers.ContentLength is long known and > 0 and <= 64 * 1024 ? (int)known : 4096);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (watcher is not null)
                    {
                        watcher.Feed(buffer.AsSpan(0, read));
                    }
                    else if (first)
                    {
                        // A JSON body is the answer; its first bytes say whether it is a result or an error.
                        outcome = ForwardedOutcome.Classify(buffer.AsSpan(0, read), isFinalBlock: false);
                    }
                    first = false;
                    await output.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (watcher is null)
        {
            return outcome?.ErrorType;
        }
        if (watcher.Response is not { } answer)
        {
            // The stream ended without the answer (the server gave up or went away): say so rather than leave the
            // caller with a stream that simply stops.
            await context.WriteErrorAsync(GatewayErrorCodes.DownstreamConnectionError,
                DownstreamErrors.Connection(_connection.Name, "the response stream ended without an answer").Message, cancellationToken).ConfigureAwait(false);
            return "incomplete";
        }
        return answer.ErrorType;
    }

    private static bool IsMediaType(string contentType, string mediaType) =>
        contentType.StartsWith(mediaType, StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == mediaType.Length || contentType[mediaType.Length] is ';' or ' ');

    private static HttpRequestMessage NewRequest(DownstreamConnection connection, Uri endpoint, string method, ReadOnlyMemory<byte> body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = s_json;
        var headers = request.Headers;
        headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        headers.TryAddWithoutValidation("MCP-Protocol-Version", StatelessRevision);
        headers.TryAddWithoutValidation("Mcp-Method", method);
        foreach (var (header, value) in connection.Options.Headers)
        {
            headers.TryAddWithoutValidation(header, value);
        }
        return request;
    }

    /// <summary>
    /// The downstream request: the caller's <c>params</c> with the item's own name, and a <c>_meta</c> holding the
    /// caller's per-request protocol keys (revision, capabilities, log level…) and progress token, the gateway's
    /// client info, and trace context (the gateway's span, else the caller's). Other <c>_meta</c> keys stay here.
    /// </summary>
    private static ReadOnlyMemory<byte> WriteRequest(McpStatelessRequestContext context, ForwardedRequest forwarded, Activity? activity)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        var writer = t_writer;
        if (writer is null)
        {
            t_writer = writer = new Utf8JsonWriter(buffer);
        }
        else
        {
            writer.Reset(buffer);
        }
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        switch (context.Id.Id)
        {
            case string s:
                writer.WriteString("id", s);
                break;
            case long l:
                writer.WriteNumber("id", l);
                break;
        }
        writer.WriteString("method", forwarded.Method);
        writer.WriteStartObject("params");
        if (forwarded.DownstreamName is { } downstreamName)
        {
            writer.WriteString("name", downstreamName);
        }
        JsonElement meta = default;
        foreach (var property in context.Params.EnumerateObject())
        {
            if (property.NameEquals("name"u8) && forwarded.DownstreamName is not null)
            {
                continue;
            }
            if (property.NameEquals("_meta"u8))
            {
                meta = property.Value;
                continue;
            }
            property.WriteTo(writer);
        }
        writer.WriteStartObject("_meta");
        var wroteTrace = false;
        if (activity is not null && activity.IdFormat == ActivityIdFormat.W3C)
        {
            writer.WriteString("traceparent", activity.Id);
            if (activity.TraceStateString is { Length: > 0 } state)
            {
                writer.WriteString("tracestate", state);
            }
            wroteTrace = true;
        }
        if (meta.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in meta.EnumerateObject())
            {
                var key = property.Name;
                var keep = key switch
                {
                    MetaKeys.ClientInfo => false,
                    "progressToken" or "baggage" => true,
                    "traceparent" or "tracestate" => !wroteTrace,
                    _ => key.StartsWith("io.modelcontextprotocol/", StringComparison.Ordinal),
                };
                if (keep)
                {
                    property.WriteTo(writer);
                }
            }
        }
        WriteClientInfo(writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset(Stream.Null);
        return buffer.WrittenMemory;
    }

    private static void WriteClientInfo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject(MetaKeys.ClientInfo);
        writer.WriteString("name", s_clientInfoName);
        writer.WriteString("version", s_clientInfoVersion);
        writer.WriteEndObject();
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Forwarding a request to downstream {Server} failed: {Error}")]
    private static partial void LogForwardFailed(ILogger logger, string server, string error);
}
