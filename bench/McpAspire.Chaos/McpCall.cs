using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpAspire.TestSupport;

namespace McpAspire.Chaos;

/// <summary>The answer to one JSON-RPC request as the soak classifies it.</summary>
public sealed record CallResult(Outcome Outcome, int Status, int? RpcCode, JsonElement? Result, string? Detail, string? SessionId)
{
    public bool Ok => Outcome == Outcome.Ok;

    /// <summary>404 on a session request: the session is gone.</summary>
    public bool SessionGone => Status == (int)HttpStatusCode.NotFound;
}

/// <summary>
/// JSON-RPC over HTTP to the gateway's front, by hand, so every request has the client timeout and every answer is
/// classified exactly (status, JSON-RPC error, empty 5xx, dropped connection, no answer) and recorded.
/// </summary>
public sealed class McpCall
{
    private readonly HttpClient _http;
    private readonly Uri _mcp;
    private readonly Recorder _recorder;
    private readonly TimeSpan _timeout;
    private long _nextId;

    public McpCall(HttpClient http, Uri mcp, Recorder recorder, TimeSpan timeout)
    {
        _http = http;
        _mcp = mcp;
        _recorder = recorder;
        _timeout = timeout;
    }

    /// <summary>The <c>_meta</c> a 2026-07-28 request carries instead of a session.</summary>
    public static JsonObject Meta2026() => new()
    {
        ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
        ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
        ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "chaos", ["version"] = "1" },
    };

    /// <summary>A 2026-07-28 stateless <c>tools/call</c>.</summary>
    public Task<CallResult> CallToolStatelessAsync(string kind, string tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        var parameters = new JsonObject { ["name"] = tool, ["arguments"] = arguments, ["_meta"] = Meta2026() };
        return SendAsync(kind, "tools/call", parameters, sessionId: null, protocolVersion: "2026-07-28", tool, cancellationToken);
    }

    /// <summary>A 2025-era <c>tools/call</c> in a session.</summary>
    public Task<CallResult> CallToolInSessionAsync(string kind, string sessionId, string tool, JsonObject arguments, CancellationToken cancellationToken) =>
        SendAsync(kind, "tools/call", new JsonObject { ["name"] = tool, ["arguments"] = arguments }, sessionId, "2025-11-25", tool, cancellationToken);

    /// <summary>initialize + notifications/initialized; the result carries the new session id.</summary>
    public async Task<CallResult> InitializeSessionAsync(string kind, CancellationToken cancellationToken)
    {
        var init = await SendAsync(kind, "initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-11-25",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "chaos", ["version"] = "1" },
        }, sessionId: null, protocolVersion: null, name: null, cancellationToken).ConfigureAwait(false);
        if (!init.Ok || init.SessionId is null)
        {
            return init;
        }
        var initialized = await SendAsync(kind, "notifications/initialized", null, init.SessionId, "2025-11-25", null, cancellationToken, notification: true).ConfigureAwait(false);
        return initialized.Ok ? init : initialized with { SessionId = init.SessionId };
    }

    /// <summary>Sends one request (or notification), waits at most the client timeout for the whole answer, records it.</summary>
    public async Task<CallResult> SendAsync(string kind, string method, JsonObject? parameters, string? sessionId, string? protocolVersion, string? name,
        CancellationToken cancellationToken, bool notification = false)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (!notification)
        {
            message["id"] = id;
        }
        if (parameters is not null)
        {
            message["params"] = parameters;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, _mcp)
        {
            Content = new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        if (sessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", sessionId);
        }
        if (protocolVersion is not null)
        {
            request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", protocolVersion);
        }
        if (protocolVersion == "2026-07-28")
        {
            request.Headers.TryAddWithoutValidation("Mcp-Method", method);
            if (name is not null)
            {
                request.Headers.TryAddWithoutValidation("Mcp-Name", name);
            }
        }
        var started = _recorder.Now;
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        CallResult result;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var newSession = response.Headers.TryGetValues("Mcp-Session-Id", out var values) ? values.First() : null;
            result = Classify((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, notification) with { SessionId = newSession };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = new CallResult(Outcome.Hung, 0, null, null, $"no answer within {_timeout.TotalSeconds} s", null);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            result = new CallResult(Outcome.Transport, 0, null, null, Describe(ex), null);
        }
        _recorder.Add(new RequestRecord(started, kind, result.Outcome, watch.Elapsed.TotalMilliseconds, result.Status, result.RpcCode,
            result.Ok ? null : result.Detail));
        return result;
    }

    /// <summary>Sorts an answer into the outcomes the invariants count.</summary>
    public static CallResult Classify(int status, string? contentType, string body, bool notification)
    {
        if (notification && status == (int)HttpStatusCode.Accepted)
        {
            return new CallResult(Outcome.Ok, status, null, null, null, null);
        }
        JsonElement? message = null;
        try
        {
            message = contentType == "text/event-stream"
                ? RawMcp.ParseSse(body).Where(e => e.Data.Length > 0).Select(e => JsonDocument.Parse(e.Data).RootElement)
                    .Cast<JsonElement?>().LastOrDefault(m => m!.Value.TryGetProperty("result", out _) || m!.Value.TryGetProperty("error", out _))
                : body.Length > 0 ? JsonDocument.Parse(body).RootElement : null;
        }
        catch (JsonException)
        {
        }
        var snippet = body.Length > 300 ? body[..300] : body;
        if (message is { } m && m.ValueKind == JsonValueKind.Object && m.TryGetProperty("error", out var error))
        {
            int? code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : null;
            return new CallResult(Outcome.RpcError, status, code, null, $"{status} {code}: {(error.TryGetProperty("message", out var text) ? text.GetString() : snippet)}", null);
        }
        if (status >= 500)
        {
            return new CallResult(Outcome.Empty5xx, status, null, null, $"{status} without a JSON-RPC error: {snippet}", null);
        }
        if (status == 200 && message is { } ok && ok.TryGetProperty("result", out var result))
        {
            if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True)
            {
                return new CallResult(Outcome.ToolError, status, null, result.Clone(), "tool error: " + Text(result), null);
            }
            return new CallResult(Outcome.Ok, status, null, result.Clone(), null, null);
        }
        return new CallResult(Outcome.BadResponse, status, null, null, $"{status} {contentType}: {snippet}", null);
    }

    /// <summary>The concatenated text content of a tool result.</summary>
    public static string Text(JsonElement result) =>
        result.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array
            ? string.Concat(content.EnumerateArray().Where(c => c.TryGetProperty("text", out _)).Select(c => c.GetProperty("text").GetString()))
            : "";

    private static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return ReferenceEquals(inner, ex) ? ex.Message : $"{ex.Message} ({inner.Message})";
    }
}
