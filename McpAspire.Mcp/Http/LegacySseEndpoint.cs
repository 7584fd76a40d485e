using System.Collections.Concurrent;
using McpAspire.Mcp.Filters;
using McpAspire.Mcp.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Mcp.Http;

/// <summary>
/// The legacy HTTP+SSE transport (2024-11-05) for old clients: <c>GET /sse</c> opens the stream and announces the
/// message URL in an <c>endpoint</c> event; <c>POST /message?sessionId=…</c> delivers client messages (202). Sessions
/// live only as long as their SSE connection, on the replica holding it (the transport has no resumption).
/// </summary>
internal sealed class LegacySseEndpoint(
    IOptions<McpEndpointOptions> options,
    IOptions<McpServerOptions> serverOptions,
    StreamableHttpEndpoint streamable,
    McpRequestFilterPipeline filters,
    IServiceProvider services,
    ILoggerFactory loggerFactory,
    IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, SseResponseStreamTransport> _sessions = new(StringComparer.Ordinal);
    // Who opened each stream: a message from another principal is answered like one for an unknown session.
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly McpEndpointOptions _options = options.Value;

    public int Count => _sessions.Count;

    public async Task HandleSseAsync(HttpContext context)
    {
        if (streamable.Guard.Check(context.Request) is { } problem)
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status403Forbidden, JsonRpcErrorCodes.ServerError, problem).ConfigureAwait(false);
            return;
        }
        var sessionId = StreamableHttpEndpoint.NewSessionId();
        var messageUrl = $"{context.Request.PathBase}{_options.LegacyMessagePath}?sessionId={sessionId}";
        StreamableHttpEndpoint.InitializeSse(context);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var transport = new SseResponseStreamTransport(context.Response.Body, messageUrl, sessionId);
        await using (transport.ConfigureAwait(false))
        {
            if (OwnerOf(context.User) is { } owner)
            {
                _owners[sessionId] = owner;
            }
            _sessions[sessionId] = transport;
            try
            {
                var transportTask = transport.RunAsync(cts.Token);
                var server = McpServer.Create(transport, serverOptions.Value, loggerFactory, services);
                await using (server.ConfigureAwait(false))
                {
                    try
                    {
                        await server.RunAsync(cts.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        await cts.CancelAsync().ConfigureAwait(false);
                        try
                        {
                            await transportTask.ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                // The client closed the stream: the normal end of a legacy session.
            }
            finally
            {
                _sessions.TryRemove(sessionId, out _);
                _owners.TryRemove(sessionId, out _);
            }
        }
    }

    public async Task HandleMessageAsync(HttpContext context)
    {
        if (streamable.Guard.Check(context.Request) is { } problem)
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status403Forbidden, JsonRpcErrorCodes.ServerError, problem).ConfigureAwait(false);
            return;
        }
        var sessionId = context.Request.Query["sessionId"].ToString();
        if (sessionId.Length == 0)
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.ServerError, "Bad Request: the sessionId query parameter is required.").ConfigureAwait(false);
            return;
        }
        if (!_sessions.TryGetValue(sessionId, out var transport)
            || !string.Equals(_owners.TryGetValue(sessionId, out var owner) ? owner : null, OwnerOf(context.User), StringComparison.Ordinal))
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status404NotFound, JsonRpcErrorCodes.SessionNotFound, "Session not found: open a new stream at " + _options.LegacySsePath + ".").ConfigureAwait(false);
            return;
        }
        var read = await JsonRpcRequestReader.ReadAsync(context.Request, _options.MaxRequestBodyBytes, _options.MaxJsonDepth, context.RequestAborted).ConfigureAwait(false);
        if (read.Message is not { } message)
        {
            await JsonRpcErrorWriter.WriteAsync(context, read.StatusCode, read.ErrorCode, read.Error!, read.Id).ConfigureAwait(false);
            return;
        }
        var method = message switch
        {
            JsonRpcRequest r => r.Method,
            JsonRpcNotification n => n.Method,
            _ => null,
        };
        if (await filters.RejectAsync(context, message, method, (message as JsonRpcRequest)?.Params ?? (message as JsonRpcNotification)?.Params, read.Id).ConfigureAwait(false) is not null)
        {
            return;
        }
        if (context.User.Identity?.IsAuthenticated == true)
        {
            message.Context ??= new JsonRpcMessageContext();
            message.Context.User = context.User;
        }
        try
        {
            await transport.OnMessageReceivedAsync(message, context.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status404NotFound, JsonRpcErrorCodes.SessionNotFound, "Session not found: the stream has closed.").ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsync("Accepted", context.RequestAborted).ConfigureAwait(false);
    }

    private static string? OwnerOf(System.Security.Claims.ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true
            ? (user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier) ?? user.FindFirst("sub"))?.Value
            : null;
}
