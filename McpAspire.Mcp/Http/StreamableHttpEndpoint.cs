using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpAspire.Mcp.Events;
using McpAspire.Mcp.Filters;
using McpAspire.Mcp.Forwarding;
using McpAspire.Mcp.Hosting;
using McpAspire.Mcp.Sessions;
using McpAspire.Mcp.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Mcp.Http;

/// <summary>
/// The Streamable HTTP endpoint (POST/GET/DELETE on one path) for both protocol eras. It validates everything at the
/// HTTP layer (Origin/Host, Accept, Content-Type, size, JSON shape, protocol version, 2026 headers, sessions) and hands
/// each message to the SDK's <see cref="StreamableHttpServerTransport"/> and <see cref="McpServer"/>, which implement
/// the MCP methods themselves (initialize, server/discover, subscriptions/listen, tools, prompts, resources, …).
/// </summary>
internal sealed partial class StreamableHttpEndpoint : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = McpJsonUtilities.DefaultOptions;
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<InitializeRequestParams> s_initializeTypeInfo =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<InitializeRequestParams>)s_json.GetTypeInfo(typeof(InitializeRequestParams));

    private readonly McpEndpointOptions _options;
    private readonly McpRequestGuard _guard;
    private readonly IOptions<McpServerOptions> _serverOptions;
    private readonly IOptionsFactory<McpServerOptions> _serverOptionsFactory;
    private readonly Lazy<StatelessServer[]> _stateless;
    private uint _nextStateless;
    private readonly CancellationTokenSource _disposed = new();
    private readonly IMcpSessionStore _sessions;
    private readonly IMcpEventStore _events;
    private readonly SdkEventStreamStore _sdkEvents;
    private readonly McpLiveSessionRegistry _live;
    private readonly McpRequestFilterPipeline _filters;
    private readonly IMcpStatelessRequestHandler[] _statelessHandlers;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationToken _stopping;

    public StreamableHttpEndpoint(
        IOptions<McpEndpointOptions> options,
        IOptions<McpServerOptions> serverOptions,
        IOptionsFactory<McpServerOptions> serverOptionsFactory,
        IMcpSessionStore sessions,
        IMcpEventStore events,
        McpLiveSessionRegistry live,
        McpRequestFilterPipeline filters,
        IEnumerable<IMcpStatelessRequestHandler> statelessHandlers,
        IServiceProvider services,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        IHostApplicationLifetime lifetime)
    {
        _options = options.Value;
        _guard = new McpRequestGuard(_options);
        _serverOptions = serverOptions;
        _serverOptionsFactory = serverOptionsFactory;
        _sessions = sessions;
        _events = events;
        _sdkEvents = new SdkEventStreamStore(events, _options.ServeGetStreamFromEventStore);
        _live = live;
        _filters = filters;
        _statelessHandlers = [.. statelessHandlers];
        _services = services;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<StreamableHttpEndpoint>();
        _timeProvider = timeProvider;
        _stopping = lifetime.ApplicationStopping;
        // A few servers rather than one: each SDK server reads its messages in one loop, which would serialize
        // every 2026 request of the process behind a single reader.
        _stateless = new Lazy<StatelessServer[]>(
            () => [.. Enumerable.Range(0, _options.StatelessServers > 0 ? _options.StatelessServers : Math.Clamp(Environment.ProcessorCount * 2, 2, 32)).Select(_ => CreateStatelessServer())],
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    internal McpRequestGuard Guard => _guard;

    public async Task HandlePostAsync(HttpContext context)
    {
        if (await RejectByGuardAsync(context).ConfigureAwait(false))
        {
            return;
        }
        var accept = context.Request.GetTypedHeaders().Accept;
        if (!Accepts(accept, "application/json") || !Accepts(accept, "text/event-stream"))
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status406NotAcceptable, JsonRpcErrorCodes.ServerError,
                "Not Acceptable: the client must accept both application/json and text/event-stream.").ConfigureAwait(false);
            return;
        }
        if (!IsJsonContentType(context.Request.ContentType))
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, JsonRpcErrorCodes.ServerError,
                "Unsupported Media Type: Content-Type must be application/json.").ConfigureAwait(false);
            return;
        }

        JsonRpcReadResult read;
        try
        {
            read = await JsonRpcRequestReader.ReadAsync(context.Request, _options.MaxRequestBodyBytes, _options.MaxJsonDepth, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            await JsonRpcErrorWriter.WriteAsync(context, ex.StatusCode, JsonRpcErrorCodes.InvalidRequest, "Bad Request: " + ex.Message).ConfigureAwait(false);
            return;
        }
        if (read.Message is not { } message)
        {
            await JsonRpcErrorWriter.WriteAsync(context, read.StatusCode, read.ErrorCode, read.Error!, read.Id).ConfigureAwait(false);
            return;
        }

        var headerVersion = context.Request.Headers[McpHttpHeaders.ProtocolVersion].ToString();
        if (headerVersion.Length > 0 && !McpProtocolVersions.IsSupported(headerVersion))
        {
            await WriteUnsupportedVersionAsync(context, headerVersion, read.Id).ConfigureAwait(false);
            return;
        }

        var method = message switch
        {
            JsonRpcRequest r => r.Method,
            JsonRpcNotification n => n.Method,
            _ => null,
        };
        var parameters = message switch
        {
            JsonRpcRequest r => r.Params,
            JsonRpcNotification n => n.Params,
            _ => null,
        };

        using var activity = method is null ? null : StartActivity(context, method, parameters, read.Id, headerVersion);
        var started = Stopwatch.GetTimestamp();
        string? errorType = null;
        try
        {
            message.Context ??= new JsonRpcMessageContext();
            if (context.User.Identity?.IsAuthenticated == true)
            {
                message.Context.User = context.User;
            }

            // Registered filters (the gateway's rate limits) may reject before any session or SDK work.
            if ((errorType = await _filters.RejectAsync(context, message, method, parameters, read.Id).ConfigureAwait(false)) is not null)
            {
                return;
            }
            var metaVersion = MetaString(parameters, MetaKeys.ProtocolVersion);
            if (McpProtocolVersions.IsStateless(headerVersion) || McpProtocolVersions.IsStateless(metaVersion))
            {
                // Only per-request revisions hand the header version to the SDK: in a 2025 session the negotiated
                // version rules, and a client sending another supported 2025 revision in the header is tolerated.
                if (headerVersion.Length > 0)
                {
                    message.Context.ProtocolVersion = headerVersion;
                }
                errorType = await ServeStatelessAsync(context, message, method, parameters, headerVersion, metaVersion, read.Id).ConfigureAwait(false);
            }
            else
            {
                errorType = await ServeSessionAsync(context, message, read.Id, activity).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            errorType = "cancelled";
        }
        catch (McpSessionStoreUnavailableException ex)
        {
            errorType = "session_store_unavailable";
            await WriteStoreUnavailableAsync(context, ex, method ?? "(response)", read.Id).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Last line of defence: whatever the SDK or a store throws becomes a JSON-RPC error with 503 (retryable),
            // never a 500 page.
            errorType = ex.GetType().Name;
            LogUnexpected(_logger, ex, method ?? "(response)");
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, JsonRpcErrorCodes.InternalError,
                "Internal error: " + ex.Message, read.Id).ConfigureAwait(false);
        }
        finally
        {
            if (method is not null)
            {
                RecordDuration(method, headerVersion, errorType, started, activity);
            }
        }
    }

    public Task HandleGetAsync(HttpContext context) => GuardedAsync(context, "GET", HandleGetCoreAsync);

    public Task HandleDeleteAsync(HttpContext context) => GuardedAsync(context, "DELETE", HandleDeleteCoreAsync);

    /// <summary>Turns an unexpected failure (a store that is down, say) into 503 with a JSON-RPC error instead of a 500.</summary>
    private async Task GuardedAsync(HttpContext context, string what, Func<HttpContext, Task> handler)
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogUnexpected(_logger, ex, what);
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, JsonRpcErrorCodes.InternalError, "Internal error: " + ex.Message).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The checks GET and DELETE share before they touch a session: Origin/Host guard, a supported
    /// <c>MCP-Protocol-Version</c>, and 405 for 2026-07-28, which has no sessions. True when it answered the request.
    /// </summary>
    private async Task<bool> RejectSessionlessRequestAsync(HttpContext context, string statelessMessage)
    {
        if (await RejectByGuardAsync(context).ConfigureAwait(false))
        {
            return true;
        }
        var headerVersion = context.Request.Headers[McpHttpHeaders.ProtocolVersion].ToString();
        if (headerVersion.Length > 0 && !McpProtocolVersions.IsSupported(headerVersion))
        {
            await WriteUnsupportedVersionAsync(context, headerVersion, default).ConfigureAwait(false);
            return true;
        }
        if (McpProtocolVersions.IsStateless(headerVersion))
        {
            context.Response.Headers.Allow = HttpMethods.Post;
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, JsonRpcErrorCodes.ServerError, statelessMessage).ConfigureAwait(false);
            return true;
        }
        return false;
    }

    private async Task HandleGetCoreAsync(HttpContext context)
    {
        if (await RejectSessionlessRequestAsync(context, "Method Not Allowed: 2026-07-28 has no GET stream; use subscriptions/listen.").ConfigureAwait(false))
        {
            return;
        }
        if (!Accepts(context.Request.GetTypedHeaders().Accept, "text/event-stream"))
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status406NotAcceptable, JsonRpcErrorCodes.ServerError,
                "Not Acceptable: the client must accept text/event-stream.").ConfigureAwait(false);
            return;
        }
        try
        {
            await ServeGetAsync(context).ConfigureAwait(false);
        }
        catch (McpSessionStoreUnavailableException ex)
        {
            await WriteStoreUnavailableAsync(context, ex, "GET", default).ConfigureAwait(false);
        }
    }

    private async Task ServeGetAsync(HttpContext context)
    {
        var session = await FindSessionAsync(context, default).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, session.Closed, _stopping);
        var lastEventId = context.Request.Headers[McpHttpHeaders.LastEventId].ToString();
        if (lastEventId.Length > 0)
        {
            await ReplayAsync(context, session, lastEventId, linked.Token).ConfigureAwait(false);
            return;
        }
        if (!session.TryOpenGetStream())
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status409Conflict, JsonRpcErrorCodes.ServerError,
                "Conflict: this session already has an open GET stream; resume with Last-Event-ID instead.").ConfigureAwait(false);
            return;
        }
        try
        {
            session.MarkActive();
            if (_options.ServeGetStreamFromEventStore)
            {
                await ServeSharedGetStreamAsync(context, session, linked.Token).ConfigureAwait(false);
                return;
            }
            InitializeSse(context);
            await context.Response.Body.FlushAsync(linked.Token).ConfigureAwait(false);
            await session.Transport.HandleGetRequestAsync(context.Response.Body, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // The client went away or the session ended: the normal end of an SSE stream.
        }
        finally
        {
            session.CloseGetStream();
            session.MarkActive();
        }
    }

    private async Task HandleDeleteCoreAsync(HttpContext context)
    {
        if (await RejectSessionlessRequestAsync(context, "Method Not Allowed: 2026-07-28 has no sessions to delete.").ConfigureAwait(false))
        {
            return;
        }
        try
        {
            var session = await FindSessionAsync(context, default).ConfigureAwait(false);
            if (session is null)
            {
                return;
            }
            await EndSessionAsync(session.Id, context.RequestAborted).ConfigureAwait(false);
            LogSessionDeleted(_logger, session.Id);
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
        catch (McpSessionStoreUnavailableException ex)
        {
            await WriteStoreUnavailableAsync(context, ex, "DELETE", default).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a session everywhere this replica can reach: live server, record, events.</summary>
    internal async Task EndSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        await _live.RemoveAsync(sessionId).ConfigureAwait(false);
        await _sessions.DeleteAsync(sessionId, cancellationToken).ConfigureAwait(false);
        await _events.DeleteSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> ServeStatelessAsync(HttpContext context, JsonRpcMessage message, string? method, JsonNode? parameters, string headerVersion, string? metaVersion, RequestId id)
    {
        if (message is JsonRpcRequest or JsonRpcNotification)
        {
            if (headerVersion.Length == 0)
            {
                await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.HeaderMismatch,
                    $"Bad Request: the {McpHttpHeaders.ProtocolVersion} header is required when _meta declares {metaVersion}.", id).ConfigureAwait(false);
                return "header_mismatch";
            }
            if (metaVersion is null && message is JsonRpcRequest)
            {
                await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidParams,
                    $"Invalid params: requests on {headerVersion} must carry _meta/{MetaKeys.ProtocolVersion}.", id).ConfigureAwait(false);
                return "invalid_params";
            }
            if (metaVersion is not null && !string.Equals(metaVersion, headerVersion, StringComparison.Ordinal))
            {
                await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.HeaderMismatch,
                    $"Bad Request: {McpHttpHeaders.ProtocolVersion} '{headerVersion}' does not match _meta/{MetaKeys.ProtocolVersion} '{metaVersion}'.", id).ConfigureAwait(false);
                return "header_mismatch";
            }
            if ((CheckStandardHeaders(context, method!, parameters)
                ?? (method == RequestMethods.ToolsCall ? McpParamHeaders.Check(context.Request.Headers, parameters, _serverOptions.Value.ToolCollection) : null)) is { } mismatch)
            {
                await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.HeaderMismatch, mismatch, id).ConfigureAwait(false);
                return "header_mismatch";
            }
            if (message is JsonRpcRequest && (parameters as JsonObject)?["_meta"]?[MetaKeys.ClientCapabilities] is not JsonObject)
            {
                await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidParams,
                    $"Invalid params: requests on {headerVersion} must carry _meta/{MetaKeys.ClientCapabilities} as an object.", id).ConfigureAwait(false);
                return "invalid_params";
            }
            if (message is JsonRpcRequest && method is RequestMethods.Initialize or RequestMethods.Ping or "logging/setLevel"
                or RequestMethods.ResourcesSubscribe or RequestMethods.ResourcesUnsubscribe)
            {
                await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status404NotFound, JsonRpcErrorCodes.MethodNotFound,
                    $"Method not found: '{method}' does not exist on {headerVersion}.", id).ConfigureAwait(false);
                return "method_not_found";
            }
        }

        if (await RejectMissingParamAsync(context, message, id).ConfigureAwait(false))
        {
            return "invalid_params";
        }

        if (_statelessHandlers.Length > 0 && message is JsonRpcRequest request)
        {
            var handling = new McpStatelessRequestContext(context, request, headerVersion);
            foreach (var handler in _statelessHandlers)
            {
                if (await handler.TryHandleAsync(handling, context.RequestAborted).ConfigureAwait(false))
                {
                    return handling.ErrorType;
                }
            }
        }

        // Every 2026 request goes to one long-lived stateless server: the SDK scopes per-request client info and
        // capabilities to the request (DestinationBoundMcpServer), so requests never see each other's _meta, and the
        // server costs nothing per request. Nothing of it is session state, so any replica serves any request.
        var servers = _stateless.Value;
        var stateless = servers[Interlocked.Increment(ref _nextStateless) % (uint)servers.Length];
        string? errorType = null;
        InitializeSse(context);
        var body = ResponseBodyFor(context, message);
        var wrote = await stateless.Transport.HandlePostRequestAsync(message, body ?? context.Response.Body, first =>
        {
            // SEP-2575 maps a few JSON-RPC errors onto HTTP statuses; only the first write can choose them.
            if (first is JsonRpcError { Error: { } error } && !context.Response.HasStarted)
            {
                errorType = error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.StatusCode = error.Code switch
                {
                    JsonRpcErrorCodes.MethodNotFound => StatusCodes.Status404NotFound,
                    JsonRpcErrorCodes.HeaderMismatch or JsonRpcErrorCodes.UnsupportedProtocolVersion or JsonRpcErrorCodes.MissingRequiredClientCapability => StatusCodes.Status400BadRequest,
                    _ => context.Response.StatusCode,
                };
            }
            return default;
        }, context.RequestAborted).ConfigureAwait(false);
        if (!wrote)
        {
            AcceptedWithoutBody(context);
        }
        else if (body is not null)
        {
            await body.CompleteAsync(context.RequestAborted).ConfigureAwait(false);
        }
        return errorType;
    }

    private StatelessServer CreateStatelessServer()
    {
        var transport = new StreamableHttpServerTransport(_loggerFactory) { Stateless = true };
        var server = McpServer.Create(transport, _serverOptions.Value, _loggerFactory, _services);
        // Runs until the endpoint is disposed (after Kestrel has drained requests), not until stopping begins, so
        // in-flight requests and listen streams that end at shutdown can still send their responses.
        return new StatelessServer(transport, server, server.RunAsync(_disposed.Token));
    }

    /// <summary>Ends the shared stateless server (called when the host disposes the endpoint).</summary>
    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        if (_stateless.IsValueCreated)
        {
            foreach (var stateless in _stateless.Value)
            {
                await stateless.Transport.DisposeAsync().ConfigureAwait(false);
                try
                {
                    await stateless.Run.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                await stateless.Server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed record StatelessServer(StreamableHttpServerTransport Transport, McpServer Server, Task Run);

    private async Task<string?> ServeSessionAsync(HttpContext context, JsonRpcMessage message, RequestId id, Activity? activity)
    {
        var sessionId = context.Request.Headers[McpHttpHeaders.SessionId].ToString();
        McpLiveSession? session;
        if (sessionId.Length == 0)
        {
            if (message is not JsonRpcRequest { Method: RequestMethods.Initialize } initialize)
            {
                await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.ServerError,
                    $"Bad Request: {McpHttpHeaders.SessionId} is required for every request except initialize.", id).ConfigureAwait(false);
                return "missing_session";
            }
            if (InvalidInitializeParams(initialize.Params) is { } problem)
            {
                // Checked before a session exists: a malformed initialize must not leave one behind.
                await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidParams,
                    $"Invalid params: initialize {problem}.", id).ConfigureAwait(false);
                return "invalid_params";
            }
            var headerVersion = context.Request.Headers[McpHttpHeaders.ProtocolVersion].ToString();
            var bodyVersion = (initialize.Params as JsonObject)?["protocolVersion"] is JsonValue v && v.TryGetValue(out string? b) ? b : null;
            if (headerVersion.Length > 0 && bodyVersion is not null && !string.Equals(headerVersion, bodyVersion, StringComparison.Ordinal))
            {
                await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.HeaderMismatch,
                    $"Bad Request: {McpHttpHeaders.ProtocolVersion} '{headerVersion}' does not match params.protocolVersion '{bodyVersion}'.", id).ConfigureAwait(false);
                return "header_mismatch";
            }
            session = StartSession(context);
        }
        else
        {
            session = await FindSessionAsync(context, id).ConfigureAwait(false);
            if (session is null)
            {
                return "session_not_found";
            }
        }
        activity?.SetTag(McpTelemetry.Tags.SessionId, session.Id);
        session.MarkActive();
        if (await RejectMissingParamAsync(context, message, id).ConfigureAwait(false))
        {
            return "invalid_params";
        }

        if (message is JsonRpcRequest && session.HydratedProtocolVersion is { } negotiated)
        {
            // A re-hydrated server never saw initialize, so it has no negotiated version until a request carries one,
            // and without one SDK 2.4.0 sends no */list_changed broadcast: a tool added through this session here was
            // never announced. The version is in the record: hand it over as the SDK's HTTP handler hands the header.
            message.Context!.ProtocolVersion = negotiated;
        }
        InitializeSse(context);
        var body = ResponseBodyFor(context, message);
        bool wrote;
        try
        {
            wrote = await session.Transport.HandlePostRequestAsync(message, body ?? context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (McpSessionStoreUnavailableException) when (sessionId.Length == 0)
        {
            // The record could not be stored: no replica could continue this session, so it does not exist.
            context.Response.Headers.Remove(McpHttpHeaders.SessionId);
            throw;
        }
        finally
        {
            // A session whose initialize never got recorded (rejected by the SDK, store down) must not linger here.
            if (sessionId.Length == 0 && !session.Recorded)
            {
                await _live.RemoveAsync(session.Id).ConfigureAwait(false);
            }
        }
        if (!wrote)
        {
            AcceptedWithoutBody(context);
        }
        else if (body is not null)
        {
            await body.CompleteAsync(context.RequestAborted).ConfigureAwait(false);
        }
        session.MarkActive();
        return null;
    }

    private McpLiveSession StartSession(HttpContext context)
    {
        var sessionId = NewSessionId();
        var userId = UserIdOf(context.User);
        McpLiveSession? session = null;
        var transport = new StreamableHttpServerTransport(_loggerFactory)
        {
            SessionId = sessionId,
            FlowExecutionContextFromRequests = true,
#pragma warning disable MCP9006 // stateful resumability is what 2025 sessions need
            EventStreamStore = _sdkEvents,
#pragma warning restore MCP9006
            OnSessionInitialized = async (initParams, ct) =>
            {
                await RecordSessionAsync(sessionId, userId, initParams, ct).ConfigureAwait(false);
                session!.Recorded = true;
                StartUnsolicitedRecorder(session);
            },
        };
        session = new McpLiveSession(sessionId, userId, transport, _timeProvider);
        session.Server = McpServer.Create(transport, _serverOptions.Value, _loggerFactory, _services);
        session.RunTask = session.Server.RunAsync(session.Closed);
        _live.TryAdd(session);
        context.Response.Headers[McpHttpHeaders.SessionId] = sessionId;
        LogSessionStarted(_logger, sessionId);
        return session;
    }

    private async ValueTask RecordSessionAsync(string sessionId, string? userId, InitializeRequestParams? initParams, CancellationToken cancellationToken)
    {
        var requested = initParams?.ProtocolVersion;
        var negotiated = requested is not null && McpProtocolVersions.Handshake.Contains(requested) ? requested : McpProtocolVersions.November2025;
        JsonElement? raw = initParams is null ? null : JsonSerializer.SerializeToElement(initParams, s_initializeTypeInfo);
        var now = _timeProvider.GetUtcNow();
        await _sessions.CreateAsync(new McpSessionRecord(sessionId, userId, negotiated, raw, now, now), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Finds the live session for the request's <c>Mcp-Session-Id</c>, re-validating it against the store now and
    /// then, or re-hydrates it from the store when another replica created it. Writes 400/404 when it cannot (404 also
    /// for a session of another principal).
    /// </summary>
    private async Task<McpLiveSession?> FindSessionAsync(HttpContext context, RequestId id)
    {
        var sessionId = context.Request.Headers[McpHttpHeaders.SessionId].ToString();
        if (sessionId.Length == 0)
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.ServerError,
                $"Bad Request: the {McpHttpHeaders.SessionId} header is required.", id).ConfigureAwait(false);
            return null;
        }
        var ct = context.RequestAborted;
        if (_live.TryGet(sessionId, out var session) && !session.IsDisposed)
        {
            if (session.NeedsValidation(_options.SessionTouchInterval))
            {
                if (!await _sessions.TouchAsync(sessionId, ct).ConfigureAwait(false))
                {
                    // Deleted or expired elsewhere (another replica's DELETE or idle expiry): end it here too.
                    await _live.RemoveAsync(sessionId).ConfigureAwait(false);
                    await WriteSessionNotFoundAsync(context, id).ConfigureAwait(false);
                    return null;
                }
                session.MarkValidated();
            }
        }
        else
        {
            session = await HydrateAsync(sessionId, ct).ConfigureAwait(false);
            if (session is null)
            {
                await WriteSessionNotFoundAsync(context, id).ConfigureAwait(false);
                return null;
            }
        }
        if (!string.Equals(session.UserId, UserIdOf(context.User), StringComparison.Ordinal))
        {
            // Another principal's session looks exactly like a missing one: no hint that the id exists.
            await WriteSessionNotFoundAsync(context, id).ConfigureAwait(false);
            return null;
        }
        context.Response.Headers[McpHttpHeaders.SessionId] = session.Id;
        return session;
    }

    /// <summary>Rebuilds a live session on this replica from its stored record (another replica created it, or this one restarted).</summary>
    private async Task<McpLiveSession?> HydrateAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (sessionId.Length > 128)
        {
            return null;
        }
        var gate = _live.HydrationLock(sessionId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_live.TryGet(sessionId, out var existing) && !existing.IsDisposed)
            {
                return existing;
            }
            var record = await _sessions.GetAsync(sessionId, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return null;
            }
            var initParams = record.InitializeParams is { } raw ? raw.Deserialize(s_initializeTypeInfo) : null;
            var transport = new StreamableHttpServerTransport(_loggerFactory)
            {
                SessionId = sessionId,
                FlowExecutionContextFromRequests = true,
#pragma warning disable MCP9006
                EventStreamStore = _sdkEvents,
#pragma warning restore MCP9006
            };
            await transport.HandleInitializeRequestAsync(initParams).ConfigureAwait(false);
            var options = _serverOptionsFactory.Create(Options.DefaultName);
            options.KnownClientInfo = initParams?.ClientInfo;
            options.KnownClientCapabilities = initParams?.Capabilities;
            var session = new McpLiveSession(sessionId, record.UserId, transport, _timeProvider) { Recorded = true, HydratedProtocolVersion = record.ProtocolVersion };
            session.Server = McpServer.Create(transport, options, _loggerFactory, _services);
            session.RunTask = session.Server.RunAsync(session.Closed);
            _live.TryAdd(session);
            StartUnsolicitedRecorder(session);
            LogSessionHydrated(_logger, sessionId);
            return session;
        }
        finally
        {
            gate.Release();
            _live.ReleaseHydrationLock(sessionId);
        }
    }

    private async Task ReplayAsync(HttpContext context, McpLiveSession session, string lastEventId, CancellationToken cancellationToken)
    {
        if (!McpEventId.TryParse(lastEventId, out var eventSession, out var streamId, out var sequence)
            || !string.Equals(eventSession, session.Id, StringComparison.Ordinal)
            || !await _events.ExistsAsync(session.Id, streamId, cancellationToken).ConfigureAwait(false))
        {
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.ServerError,
                "Bad Request: Last-Event-ID is unknown, expired or belongs to another session.").ConfigureAwait(false);
            return;
        }
        InitializeSse(context);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var body = context.Response.BodyWriter;
            await foreach (var item in _events.ReadAfterAsync(session.Id, streamId, sequence, follow: true, cancellationToken).ConfigureAwait(false))
            {
                if (item.Data.IsEmpty)
                {
                    continue; // a priming event carries only an id, which the client already has
                }
                SseFrames.Write(body, McpEventId.Format(session.Id, streamId, item.Sequence), item.Data.Span, item.RetryAfter);
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (McpSessionStoreUnavailableException ex)
        {
            // Headers are gone; end the stream so the client reconnects with its last id once the store is back.
            LogStreamEndedByStore(_logger, ex, session.Id);
        }
    }

    /// <summary>
    /// With <see cref="McpEndpointOptions.ServeGetStreamFromEventStore"/>: keeps this replica's SDK GET slot open into a
    /// sink, so the live server's unsolicited messages are recorded in the shared <c>__get__</c> stream (the SDK drops
    /// them while no GET is open). Client GET streams on any replica read that stream from the store.
    /// </summary>
    private void StartUnsolicitedRecorder(McpLiveSession session)
    {
        if (!_options.ServeGetStreamFromEventStore)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await session.Transport.HandleGetRequestAsync(Stream.Null, session.Closed).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex) when (ex is McpSessionStoreUnavailableException or InvalidOperationException or ObjectDisposedException)
            {
                LogRecorderFailed(_logger, ex, session.Id);
            }
        });
    }

    /// <summary>
    /// A standalone GET served from the shared event store: a priming event marks where this stream starts, then every
    /// event of the session's <c>__get__</c> stream after it, from whichever replica recorded it.
    /// </summary>
    private async Task ServeSharedGetStreamAsync(HttpContext context, McpLiveSession session, CancellationToken cancellationToken)
    {
        var streamId = StreamableHttpServerTransport.UnsolicitedMessageStreamId;
        var start = await _events.AppendAsync(session.Id, streamId, ReadOnlyMemory<byte>.Empty, _options.SseRetryInterval, cancellationToken).ConfigureAwait(false);
        InitializeSse(context);
        var body = context.Response.BodyWriter;
        SseFrames.WritePriming(body, McpEventId.Format(session.Id, streamId, start), _options.SseRetryInterval);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var item in _events.ReadAfterAsync(session.Id, streamId, start, follow: true, cancellationToken).ConfigureAwait(false))
            {
                if (item.Data.IsEmpty)
                {
                    continue; // other streams' priming events
                }
                SseFrames.Write(body, McpEventId.Format(session.Id, streamId, item.Sequence), item.Data.Span, item.RetryAfter);
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (McpSessionStoreUnavailableException ex)
        {
            LogStreamEndedByStore(_logger, ex, session.Id);
        }
    }

    /// <summary>503 with a JSON-RPC error: the session store is down, the session itself may be fine; retry later.</summary>
    private async Task WriteStoreUnavailableAsync(HttpContext context, McpSessionStoreUnavailableException ex, string method, RequestId id)
    {
        LogStoreUnavailable(_logger, ex, method);
        if (context.Response.HasStarted)
        {
            return;
        }
        var retryAfter = ex.RetryAfter ?? TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.Remove(McpHttpHeaders.SessionId);
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, JsonRpcErrorCodes.ServerError,
            "Service Unavailable: the session store cannot be reached; retry later. Stateless (2026-07-28) requests are unaffected.", id, w =>
            {
                w.WriteStartObject();
                w.WriteString("reason", "session_store_unavailable");
                w.WriteNumber("retryAfterSeconds", seconds);
                w.WriteEndObject();
            }).ConfigureAwait(false);
    }

    private static string? CheckStandardHeaders(HttpContext context, string method, JsonNode? parameters)
    {
        var headers = context.Request.Headers;
        if (!headers.TryGetValue(McpHttpHeaders.Method, out var methodHeader))
        {
            return $"Header mismatch: the {McpHttpHeaders.Method} header is required.";
        }
        if (!string.Equals(methodHeader.ToString().Trim(), method, StringComparison.Ordinal))
        {
            return $"Header mismatch: {McpHttpHeaders.Method} '{methodHeader}' does not match body method '{method}'.";
        }
        var nameProperty = method switch
        {
            RequestMethods.ToolsCall or RequestMethods.PromptsGet => "name",
            RequestMethods.ResourcesRead => "uri",
            _ => null,
        };
        if (nameProperty is null)
        {
            return null;
        }
        if (!headers.TryGetValue(McpHttpHeaders.Name, out var nameHeader))
        {
            return $"Header mismatch: the {McpHttpHeaders.Name} header is required for {method}.";
        }
        var raw = nameHeader.ToString().Trim();
        var decoded = McpHeaderEncoder.DecodeValue(raw);
        var bodyName = (parameters as JsonObject)?[nameProperty] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        return decoded is not null && string.Equals(decoded, bodyName, StringComparison.Ordinal)
            ? null
            : $"Header mismatch: {McpHttpHeaders.Name} '{raw}' does not match body {nameProperty} '{bodyName}'.";
    }

    /// <summary>
    /// The SDK answers a tools/call, prompts/get or resources/read without its name/uri with an internal error (-32603);
    /// it is the client's mistake, so answer -32602 (a normal JSON-RPC response, hence HTTP 200) before the SDK sees it.
    /// </summary>
    /// <summary>What is wrong with an <c>initialize</c> request's params (null when they are usable).</summary>
    internal static string? InvalidInitializeParams(JsonNode? parameters) => parameters switch
    {
        null => "requires params",
        not JsonObject => "params must be an object",
        JsonObject p when p["protocolVersion"] is not JsonValue v || !v.TryGetValue(out string? version) || version.Length == 0
            => "requires a non-empty string 'protocolVersion'",
        JsonObject p when p["capabilities"] is not JsonObject => "requires an object 'capabilities'",
        JsonObject p when p["clientInfo"] is not JsonObject info || info["name"] is not JsonValue name || !name.TryGetValue(out string? _)
            => "requires an object 'clientInfo' with a string 'name'",
        _ => null,
    };

    private static async Task<bool> RejectMissingParamAsync(HttpContext context, JsonRpcMessage message, RequestId id)
    {
        if (message is not JsonRpcRequest request)
        {
            return false;
        }
        var required = request.Method switch
        {
            RequestMethods.ToolsCall or RequestMethods.PromptsGet => "name",
            RequestMethods.ResourcesRead => "uri",
            _ => null,
        };
        if (required is null || (request.Params as JsonObject)?[required] is JsonValue value && value.TryGetValue(out string? text) && text.Length > 0)
        {
            return false;
        }
        await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status200OK, JsonRpcErrorCodes.InvalidParams,
            $"Invalid params: {request.Method} requires a non-empty string '{required}'.", id).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> RejectByGuardAsync(HttpContext context)
    {
        if (_guard.Check(context.Request) is { } problem)
        {
            LogRejected(_logger, problem);
            await JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status403Forbidden, JsonRpcErrorCodes.ServerError, problem).ConfigureAwait(false);
            return true;
        }
        return false;
    }

    private static Task WriteSessionNotFoundAsync(HttpContext context, RequestId id) =>
        JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status404NotFound, JsonRpcErrorCodes.SessionNotFound, "Session not found: it expired or never existed; initialize a new session.", id);

    private static Task WriteUnsupportedVersionAsync(HttpContext context, string requested, RequestId id) =>
        JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.UnsupportedProtocolVersion,
            $"Bad Request: unsupported {McpHttpHeaders.ProtocolVersion} '{requested}'.", id, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("supported");
                foreach (var v in McpProtocolVersions.All)
                {
                    w.WriteStringValue(v);
                }
                w.WriteEndArray();
                w.WriteString("requested", requested);
                w.WriteEndObject();
            });

    internal static void InitializeSse(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Response.Headers.ContentEncoding = "identity";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
    }

    private JsonOrSseResponseStream? ResponseBodyFor(HttpContext context, JsonRpcMessage message) =>
        _options.JsonResponses && message is JsonRpcRequest ? new JsonOrSseResponseStream(context) : null;

    private static void AcceptedWithoutBody(HttpContext context)
    {
        context.Response.Headers.ContentType = (string?)null;
        context.Response.Headers.CacheControl = (string?)null;
        context.Response.Headers.ContentEncoding = (string?)null;
        context.Response.Headers.Remove("X-Accel-Buffering");
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private static bool Accepts(IList<MediaTypeHeaderValue> accept, string mediaType)
    {
        foreach (var value in accept)
        {
            if (value.MatchesMediaType(mediaType) || value.MediaType.Equals("*/*", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsJsonContentType(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static string? MetaString(JsonNode? parameters, string key) =>
        (parameters as JsonObject)?["_meta"] is JsonObject meta && meta[key] is JsonValue value && value.TryGetValue(out string? s) && s.Length > 0 ? s : null;

    internal static string NewSessionId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return WebEncoders.Base64UrlEncode(bytes);
    }

    // The principal a session is bound to: the app's own stable id (the gateway sets NameIdentifier to jwt:{sub},
    // key:{name} or anonymous), else the token's subject; null when unauthenticated.
    private static string? UserIdOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true
            ? (user.FindFirst(ClaimTypes.NameIdentifier) ?? user.FindFirst("sub") ?? user.FindFirst(ClaimTypes.Upn))?.Value
            : null;

    private static Activity? StartActivity(HttpContext context, string method, JsonNode? parameters, RequestId id, string headerVersion)
    {
        if (!McpTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }
        var target = method switch
        {
            RequestMethods.ToolsCall or RequestMethods.PromptsGet => (parameters as JsonObject)?["name"] is JsonValue n && n.TryGetValue(out string? name) ? name : null,
            RequestMethods.ResourcesRead or RequestMethods.ResourcesSubscribe or RequestMethods.ResourcesUnsubscribe => (parameters as JsonObject)?["uri"] is JsonValue u && u.TryGetValue(out string? uri) ? uri : null,
            _ => null,
        };
        var httpActivity = Activity.Current;
        ActivityLink[]? links = null;
        ActivityContext parent = default;
        if (McpTraceContext.TryExtract(parameters, out var metaParent))
        {
            parent = metaParent;
            if (httpActivity is not null)
            {
                links = [new ActivityLink(httpActivity.Context)];
            }
        }
        var activity = McpTelemetry.ActivitySource.StartActivity(
            target is null ? method : $"{method} {target}", ActivityKind.Server, parent, tags: null, links: links);
        if (activity is null)
        {
            return null;
        }
        activity.SetTag(McpTelemetry.Tags.MethodName, method);
        if (id.Id is not null)
        {
            activity.SetTag(McpTelemetry.Tags.RequestId, id.ToString());
        }
        var version = headerVersion.Length > 0 ? headerVersion : MetaString(parameters, MetaKeys.ProtocolVersion);
        if (version is not null)
        {
            activity.SetTag(McpTelemetry.Tags.ProtocolVersion, version);
        }
        var sessionId = context.Request.Headers[McpHttpHeaders.SessionId].ToString();
        if (sessionId.Length > 0)
        {
            activity.SetTag(McpTelemetry.Tags.SessionId, sessionId);
        }
        switch (method)
        {
            case RequestMethods.ToolsCall when target is not null:
                activity.SetTag(McpTelemetry.Tags.ToolName, target);
                break;
            case RequestMethods.PromptsGet when target is not null:
                activity.SetTag(McpTelemetry.Tags.PromptName, target);
                break;
            case RequestMethods.ResourcesRead when target is not null:
                activity.SetTag(McpTelemetry.Tags.ResourceUri, target);
                break;
        }
        activity.SetTag(McpTelemetry.Tags.NetworkTransport, "tcp");
        activity.SetTag(McpTelemetry.Tags.NetworkProtocolName, "http");
        return activity;
    }

    private static void RecordDuration(string method, string headerVersion, string? errorType, long started, Activity? activity)
    {
        if (errorType is not null && activity is not null)
        {
            activity.SetTag(McpTelemetry.Tags.ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error);
        }
        if (!McpTelemetry.ServerOperationDuration.Enabled)
        {
            return;
        }
        var tags = new TagList { { McpTelemetry.Tags.MethodName, method } };
        if (headerVersion.Length > 0)
        {
            tags.Add(McpTelemetry.Tags.ProtocolVersion, headerVersion);
        }
        if (errorType is not null)
        {
            tags.Add(McpTelemetry.Tags.ErrorType, errorType);
        }
        McpTelemetry.ServerOperationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "MCP session {SessionId} started")]
    private static partial void LogSessionStarted(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "MCP session {SessionId} re-hydrated from the session store")]
    private static partial void LogSessionHydrated(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MCP session {SessionId} deleted by the client")]
    private static partial void LogSessionDeleted(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "MCP request rejected: {Problem}")]
    private static partial void LogRejected(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MCP session store unavailable while serving {Method}; answered 503")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Information, Message = "SSE stream of MCP session {SessionId} ended: the session store became unavailable")]
    private static partial void LogStreamEndedByStore(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording unsolicited messages of MCP session {SessionId} stopped")]
    private static partial void LogRecorderFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure while serving MCP {Method}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method);
}
