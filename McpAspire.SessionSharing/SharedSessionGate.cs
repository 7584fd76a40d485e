using System.Globalization;
using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Protocol;

namespace McpAspire.SessionSharing;

/// <summary>
/// Middleware in front of the SDK's MCP endpoint for shared 2025-era sessions. For a request with an
/// <c>Mcp-Session-Id</c> it reads the session's record (one state service round trip, which also slides its idle TTL):
/// no record, or a record of another caller → 404 (a DELETE or expiry on one replica is seen by all at once, and
/// another principal never learns the session exists); state service down → 503 with <c>Retry-After</c>. It then pins
/// <c>MCP-Protocol-Version</c> to the version the session negotiated (a re-hydrated SDK server learns it from the
/// header; clients sending another 2025 version on the session are served as the session's version). A GET without
/// <c>Last-Event-ID</c> is served here from the shared GET stream (see <see cref="UnsolicitedMessageRecorder"/>); a
/// DELETE also deletes the record and ends that stream. Everything else goes on to the SDK.
/// </summary>
public sealed class SharedSessionGate(RequestDelegate next, string mcpPath, StateSessionDirectory directory, RedisEventStreamStore store, IHostApplicationLifetime lifetime)
{
    private static readonly HashSet<string> s_sessionEraVersions = new(StringComparer.Ordinal) { "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25" };

    /// <summary>Runs the gate.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var sessionId = request.Headers["Mcp-Session-Id"].ToString();
        var version = request.Headers["MCP-Protocol-Version"].ToString();
        if (!request.Path.Equals(mcpPath, StringComparison.Ordinal) || sessionId.Length == 0
            || (version.Length > 0 && !s_sessionEraVersions.Contains(version)))
        {
            await next(context).ConfigureAwait(false); // not a 2025 session request: the SDK answers it
            return;
        }

        SharedSessionRecord? record;
        try
        {
            record = await directory.GetAsync(sessionId, context.RequestAborted).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException ex)
        {
            await WriteUnavailableAsync(context, ex).ConfigureAwait(false);
            return;
        }
        if (record is null || !record.BelongsTo(context.User))
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, -32001, "Session not found").ConfigureAwait(false);
            return;
        }
        context.Items[StateSessionMigrationHandler.RecordItemKey] = record;
        request.Headers["MCP-Protocol-Version"] = record.ProtocolVersion;

        try
        {
            if (HttpMethods.IsDelete(request.Method))
            {
                await directory.DeleteAsync(sessionId, context.RequestAborted).ConfigureAwait(false);
                await store.EndUnsolicitedStreamAsync(sessionId).ConfigureAwait(false);
            }
            else if (HttpMethods.IsGet(request.Method) && string.IsNullOrEmpty(request.Headers["Last-Event-ID"]))
            {
                await ServeUnsolicitedStreamAsync(context, sessionId).ConfigureAwait(false);
                return;
            }
        }
        catch (SessionStoreUnavailableException ex)
        {
            if (!context.Response.HasStarted)
            {
                await WriteUnavailableAsync(context, ex).ConfigureAwait(false);
            }
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    private async Task ServeUnsolicitedStreamAsync(HttpContext context, string sessionId)
    {
        var accept = context.Request.GetTypedHeaders().Accept;
        if (!accept.Any(a => a.MatchesMediaType("text/event-stream")))
        {
            await WriteErrorAsync(context, StatusCodes.Status406NotAcceptable, -32000, "Not Acceptable: Client must accept text/event-stream").ConfigureAwait(false);
            return;
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var reader = await store.OpenUnsolicitedStreamAsync(sessionId, retry: null).ConfigureAwait(false);
        var response = context.Response;
        response.Headers["Mcp-Session-Id"] = sessionId;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.ContentEncoding = "identity";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        try
        {
            await SseFormatter.WriteAsync(reader.ReadEventsAsync(cts.Token), response.Body, SseMessages.Format, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // the client went away or the replica is stopping; the client resumes with its last id
        }
    }

    private static Task WriteUnavailableAsync(HttpContext context, SessionStoreUnavailableException ex)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, -32000, "The session store is unavailable; retry later.", "session_store_unavailable");
    }

    private static Task WriteErrorAsync(HttpContext context, int status, int code, string message, string? reason = null)
    {
        context.Response.StatusCode = status;
        var error = new JsonRpcError
        {
            Id = default,
            Error = new JsonRpcErrorDetail
            {
                Code = code,
                Message = message,
                Data = reason is null ? null : SseMessages.Reason(reason),
            },
        };
        return context.Response.WriteAsJsonAsync(error, SseMessages.ErrorTypeInfo, contentType: "application/json", context.RequestAborted);
    }
}
