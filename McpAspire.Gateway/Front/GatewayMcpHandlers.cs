using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpAspire.Gateway.Catalog;
using McpAspire.Gateway.Configuration;
using McpAspire.Gateway.Downstream;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Gateway.Front;

/// <summary>
/// The gateway's MCP surface: lists come from the merged catalog (paged with our own cursors), and every call, read,
/// prompt, completion and subscription is routed to the server that owns the name or URI. Progress of a forwarded
/// tool call flows back to the caller; cancelling the caller's request cancels the downstream one.
/// </summary>
public sealed class GatewayMcpHandlers
{
    private readonly DownstreamManager _downstreams;
    private readonly NotificationHub _hub;
    private readonly IOptionsMonitor<GatewayOptions> _options;

    /// <summary>Creates the handlers.</summary>
    public GatewayMcpHandlers(DownstreamManager downstreams, NotificationHub hub, IOptionsMonitor<GatewayOptions> options)
    {
        _downstreams = downstreams;
        _hub = hub;
        _options = options;
    }

    private int PageSize => _options.CurrentValue.PageSize;

    public ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _hub.Track(request.Server);
        var (page, next) = Page(_downstreams.Catalog.MarkServed().Tools, request.Params?.Cursor);
        return ValueTask.FromResult(new ListToolsResult { Tools = page, NextCursor = next });
    }

    public async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _hub.Track(request.Server);
        var name = request.Params?.Name ?? throw new McpProtocolException("tools/call needs a tool name.", McpErrorCode.InvalidParams);
        var catalog = _downstreams.Catalog.MarkServed();
        if (!catalog.ToolRoutes.TryGetValue(name, out var route))
        {
            if (catalog.UnavailableToolRoutes.TryGetValue(name, out var down) && _downstreams.Get(down) is { } gone)
            {
                throw DownstreamErrors.Unavailable(down, gone.Status, gone.LastError, gone.NextAttemptAt);
            }
            throw DownstreamErrors.UnknownTool(name);
        }
        var connection = Connection(route.Server);
        // 2025 sessions: if the downstream ends its stream mid-call (SSE polling), end the caller's the same way.
        PollingHold? hold = null;
        var http = request.Services?.GetService<IHttpContextAccessor>()?.HttpContext;
        using var polling = request.Server.SessionId is not { } sessionId || http is null ? null : DownstreamPolling.Begin(async ct =>
        {
            hold = PollingHold.Open(http, sessionId, request.JsonRpcRequest.Id);
            await PollAsync(request, ct).ConfigureAwait(false);
        });
        var result = await ForwardCallAsync(request, connection, route, cancellationToken).ConfigureAwait(false);
        if (hold is not null)
        {
            // The caller's POST stream was ended for polling: the result goes to the event store, not to that stream.
            await hold.WaitDetachedAsync(cancellationToken).ConfigureAwait(false);
        }
        return result;
    }

    private async ValueTask<CallToolResult> ForwardCallAsync(RequestContext<CallToolRequestParams> request, DownstreamConnection connection, Catalog.Route route, CancellationToken cancellationToken)
    {
        var options = new RequestOptions { Meta = ForwardableMeta(request.Params!.Meta) };
        if (request.Params.ProgressToken is not { } token)
        {
            // The common case: arguments pass through as they came, without re-boxing.
            var forwarded = new CallToolRequestParams { Name = route.OriginalName, Arguments = request.Params.Arguments, Meta = options.Meta };
            // A tool call may have side effects: it is retried only when it could not reach the server at all.
            return await connection.SendAsync(
                RequestMethods.ToolsCall, async (client, ct) => await client.CallToolAsync(forwarded, ct).ConfigureAwait(false),
                retryable: false, cancellationToken, request.Server).ConfigureAwait(false);
        }
        var arguments = request.Params.Arguments?.ToDictionary(a => a.Key, a => (object?)a.Value, StringComparer.Ordinal) ?? [];
        var progress = new ForwardingProgress(request.Server, token);
        var result = await connection.SendAsync(
            RequestMethods.ToolsCall, async (client, ct) => await client.CallToolAsync(route.OriginalName, arguments, progress, options, ct).ConfigureAwait(false),
            retryable: false, cancellationToken, request.Server).ConfigureAwait(false);
        // Progress must reach the caller before the result, or the caller has already dropped its token.
        await progress.DrainAsync().ConfigureAwait(false);
        return result;
    }

    private static async ValueTask PollAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        try
        {
            await request.EnablePollingAsync(GatewayMcpFront.SseRetryInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // This caller's transport cannot poll (legacy SSE, no event store): the result comes on the open stream.
        }
    }

    public ValueTask<ListPromptsResult> ListPromptsAsync(RequestContext<ListPromptsRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _hub.Track(request.Server);
        var (page, next) = Page(_downstreams.Catalog.MarkServed().Prompts, request.Params?.Cursor);
        return ValueTask.FromResult(new ListPromptsResult { Prompts = page, NextCursor = next });
    }

    public async ValueTask<GetPromptResult> GetPromptAsync(RequestContext<GetPromptRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _hub.Track(request.Server);
        var name = request.Params?.Name ?? throw new McpProtocolException("prompts/get needs a prompt name.", McpErrorCode.InvalidParams);
        if (!_downstreams.Catalog.MarkServed().PromptRoutes.TryGetValue(name, out var route))
        {
            throw DownstreamErrors.UnknownPrompt(name);
        }
        var forwarded = new GetPromptRequestParams { Name = route.OriginalName, Arguments = request.Params.Arguments, Meta = ForwardableMeta(request.Params.Meta) };
        return await Connection(route.Server).SendAsync(
            RequestMethods.PromptsGet, async (client, ct) => await client.GetPromptAsync(forwarded, ct).ConfigureAwait(false), retryable: true, cancellationToken, request.Server).ConfigureAwait(false);
    }

    public ValueTask<ListResourcesResult> ListResourcesAsync(RequestContext<ListResourcesRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _hub.Track(request.Server);
        var (page, next) = Page(_downstreams.Catalog.Resources, request.Params?.Cursor);
        return ValueTask.FromResult(new ListResourcesResult { Resources = page, NextCursor = next });
    }

    public ValueTask<ListResourceTemplatesResult> ListResourceTemplatesAsync(RequestContext<ListResourceTemplatesRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _hub.Track(request.Server);
        var (page, next) = Page(_downstreams.Catalog.ResourceTemplates, request.Params?.Cursor);
        return ValueTask.FromResult(new ListResourceTemplatesResult { ResourceTemplates = page, NextCursor = next });
    }

    public async ValueTask<ReadResourceResult> ReadResourceAsync(RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _hub.Track(request.Server);
        var uri = request.Params?.Uri ?? throw new McpProtocolException("resources/read needs a uri.", McpErrorCode.InvalidParams);
        var server = _downstreams.Catalog.FindResourceServer(uri) ?? throw DownstreamErrors.UnknownResource(uri);
        var forwarded = new ReadResourceRequestParams { Uri = uri, Meta = ForwardableMeta(request.Params.Meta) };
        return await Connection(server).SendAsync(
            RequestMethods.ResourcesRead, async (client, ct) => await client.ReadResourceAsync(forwarded, ct).ConfigureAwait(false), retryable: true, cancellationToken, request.Server).ConfigureAwait(false);
    }

    public async ValueTask<EmptyResult> SubscribeAsync(RequestContext<SubscribeRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.Params?.Uri ?? throw new McpProtocolException("resources/subscribe needs a uri.", McpErrorCode.InvalidParams);
        var server = _downstreams.Catalog.FindResourceServer(uri) ?? throw DownstreamErrors.UnknownResource(uri);
        var connection = Connection(server);
        if (connection.ServerCapabilities?.Resources?.Subscribe != true)
        {
            throw new McpProtocolException($"MCP server '{server}' does not support resource subscriptions.", McpErrorCode.InvalidParams);
        }
        // One downstream subscription per URI serves every client of this replica; updates fan out in the hub.
        await connection.SendAsync(RequestMethods.ResourcesSubscribe, async (client, ct) =>
        {
            await client.SubscribeToResourceAsync(uri, cancellationToken: ct).ConfigureAwait(false);
            return true;
        }, retryable: true, cancellationToken).ConfigureAwait(false);
        _hub.Subscribe(request.Server, uri);
        return new EmptyResult();
    }

    public ValueTask<EmptyResult> UnsubscribeAsync(RequestContext<UnsubscribeRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.Params?.Uri ?? throw new McpProtocolException("resources/unsubscribe needs a uri.", McpErrorCode.InvalidParams);
        _hub.Unsubscribe(request.Server, uri);
        // The downstream subscription stays while other clients may use it; it ends with the connection.
        return ValueTask.FromResult(new EmptyResult());
    }

    public async ValueTask<CompleteResult> CompleteAsync(RequestContext<CompleteRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var p = request.Params ?? throw new McpProtocolException("completion/complete needs params.", McpErrorCode.InvalidParams);
        string server;
        var forwarded = new CompleteRequestParams { Ref = p.Ref, Argument = p.Argument, Context = p.Context, Meta = ForwardableMeta(p.Meta) };
        switch (p.Ref)
        {
            case PromptReference prompt when _downstreams.Catalog.PromptRoutes.TryGetValue(prompt.Name, out var route):
                server = route.Server;
                forwarded.Ref = new PromptReference { Name = route.OriginalName };
                break;
            case ResourceTemplateReference template when _downstreams.Catalog.TemplateRoutes.FirstOrDefault(t => t.Template.UriTemplate == template.Uri) is { } templateRoute:
                server = templateRoute.Server;
                break;
            default:
                // Nothing to complete against: an empty completion, as servers without completions answer.
                return new CompleteResult { Completion = new Completion { Values = [] } };
        }
        return await Connection(server).SendAsync(
            RequestMethods.CompletionComplete, async (client, ct) => await client.CompleteAsync(forwarded, ct).ConfigureAwait(false), retryable: true, cancellationToken).ConfigureAwait(false);
    }

#pragma warning disable MCP9005 // logging/setLevel is deprecated in 2026-07-28; 2025-era clients still send it
    public ValueTask<EmptyResult> SetLoggingLevelAsync(RequestContext<SetLevelRequestParams> request, CancellationToken cancellationToken)
#pragma warning restore MCP9005
    {
        ArgumentNullException.ThrowIfNull(request);
        // The SDK records the level on the session's server; the hub filters forwarded downstream logs with it.
        _hub.Track(request.Server);
        return ValueTask.FromResult(new EmptyResult());
    }

    private DownstreamConnection Connection(string server) =>
        _downstreams.Get(server) ?? throw DownstreamErrors.Unavailable(server, DownstreamStatus.Stopped, "removed from the configuration", null);

    /// <summary>Trace context travels on; everything else in the caller's <c>_meta</c> (progress token, protocol keys) is the gateway's to set.</summary>
    private static JsonObject? ForwardableMeta(JsonObject? meta)
    {
        if (meta is null)
        {
            return null;
        }
        JsonObject? forwarded = null;
        foreach (var key in (string[])["traceparent", "tracestate", "baggage"])
        {
            if (meta[key] is { } value)
            {
                forwarded ??= [];
                forwarded[key] = value.DeepClone();
            }
        }
        return forwarded;
    }

    private (List<T> Page, string? NextCursor) Page<T>(IReadOnlyList<T> items, string? cursor)
    {
        var offset = 0;
        if (!string.IsNullOrEmpty(cursor))
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
                if (!text.StartsWith("o:", StringComparison.Ordinal) || !int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                {
                    throw new FormatException();
                }
            }
            catch (FormatException)
            {
                throw new McpProtocolException("Invalid cursor: pass back a nextCursor this gateway returned.", McpErrorCode.InvalidParams);
            }
        }
        var size = PageSize;
        var page = items.Skip(offset).Take(size).ToList();
        var next = offset + size < items.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes("o:" + (offset + size).ToString(CultureInfo.InvariantCulture))) : null;
        return (page, next);
    }

    /// <summary>
    /// Relays a downstream's progress to the caller under the caller's own progress token, in order: each notification
    /// is sent after the previous one, and the call's result waits for the last (see <see cref="DrainAsync"/>).
    /// </summary>
    private sealed class ForwardingProgress(McpServer server, ProgressToken token) : IProgress<ProgressNotificationValue>
    {
        // The SDK client dispatches a downstream's notifications concurrently with its responses, so the last update
        // may still be on its way when the result is in hand. Waiting this long for it (only when the updates carry a
        // total that was not reached yet) keeps it ahead of the result.
        private static readonly TimeSpan s_lateUpdateGrace = TimeSpan.FromSeconds(1);
        private readonly Lock _lock = new();
        private readonly TaskCompletionSource _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task _last = Task.CompletedTask;
        private bool _expectTotal;

        public void Report(ProgressNotificationValue value)
        {
            lock (_lock)
            {
                _last = SendAfterAsync(_last, value);
                if (value.Total is { } total)
                {
                    _expectTotal = true;
                    if (value.Progress >= total)
                    {
                        _final.TrySetResult();
                    }
                }
            }
        }

        public async Task DrainAsync()
        {
            bool waitForFinal;
            lock (_lock)
            {
                waitForFinal = _expectTotal && !_final.Task.IsCompleted;
            }
            if (waitForFinal)
            {
                await Task.WhenAny(_final.Task, Task.Delay(s_lateUpdateGrace)).ConfigureAwait(false);
            }
            Task last;
            lock (_lock)
            {
                last = _last;
            }
            await last.ConfigureAwait(false);
        }

        private async Task SendAfterAsync(Task previous, ProgressNotificationValue value)
        {
            await previous.ConfigureAwait(false);
            try
            {
                await server.NotifyProgressAsync(token, value, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or IOException or McpException)
            {
                // The caller went away; progress is best effort.
            }
        }
    }
}
