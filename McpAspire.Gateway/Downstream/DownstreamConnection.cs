using System.Diagnostics;
using McpAspire.Gateway.Configuration;
using McpAspire.Gateway.Diagnostics;
using McpAspire.Gateway.Forwarding;
using McpAspire.ServiceDefaults.ServiceDiscovery;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Gateway.Downstream;

/// <summary>
/// One downstream MCP server: its connection (stdio, Streamable HTTP or SSE through the SDK client), reconnection with
/// jittered exponential backoff, health checks, its catalog (refreshed on list-changed and after the TTL), and request
/// statistics. Calls fail fast with an error naming the server while it is not connected.
/// </summary>
public sealed partial class DownstreamConnection : IAsyncDisposable
{
    private readonly DownstreamServerOptions _options;
    private readonly ServiceEndpointResolver _resolver;
    private readonly HttpClient _http;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly InFlightCallers _callers = new();
    private readonly DedicatedDownstreamClients? _dedicated;
    private McpClient? _client;
    private Task _run = Task.CompletedTask;
    private CancellationTokenSource? _sessionEnded;
    private int _reconnectAttempt;
    private long _connectedAtTicks;
    private StatelessForwarder? _forwarder;
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(5);
    // Closing an HTTP session sends DELETE, which the HTTP resilience handler retries with back-off when the server
    // is already gone (as when the whole app stops): bound the wait so a stopping gateway exits at once.
    private static readonly TimeSpan s_httpCloseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Creates the connection (not started).</summary>
    public DownstreamConnection(string name, DownstreamServerOptions options, ServiceEndpointResolver resolver, HttpClient http, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Name = name;
        _options = options;
        _resolver = resolver;
        _http = http;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("McpAspire.Gateway.Downstream." + name);
        _time = time;
        Status = options.Enabled ? DownstreamStatus.Connecting : DownstreamStatus.Disabled;
        // Per-session clients only over HTTP: a stdio server per user session would be a process per user.
        _dedicated = options.EffectiveTransport == DownstreamTransport.Stdio ? null : new DedicatedDownstreamClients(name, ConnectDedicatedAsync,
            [
                new(NotificationMethods.ResourceUpdatedNotification, OnForwardedNotificationAsync),
                new("notifications/message", OnForwardedNotificationAsync),
            ], time, _logger);
    }

    /// <summary>Per-session downstream clients open now (HTTP downstreams, sessions that can answer sampling/elicitation/roots).</summary>
    public int DedicatedClientCount => _dedicated?.Count ?? 0;

    /// <summary>The configured server name.</summary>
    public string Name { get; }

    /// <summary>The settings this connection runs with.</summary>
    public DownstreamServerOptions Options => _options;

    /// <summary>Current status.</summary>
    public DownstreamStatus Status { get; private set; }

    /// <summary>Last connection or health error.</summary>
    public string? LastError { get; private set; }

    /// <summary>When the next reconnect attempt is due, while reconnecting.</summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }

    /// <summary>When the current connection was established.</summary>
    public DateTimeOffset? ConnectedAt { get; private set; }

    /// <summary>Time connected so far (the current connection).</summary>
    public TimeSpan Uptime => Status == DownstreamStatus.Connected && Interlocked.Read(ref _connectedAtTicks) is var t and > 0
        ? _time.GetElapsedTime(t) : TimeSpan.Zero;

    /// <summary>The downstream's own session id (Streamable HTTP), if it has one.</summary>
    public string? DownstreamSessionId => (_client as McpClient)?.SessionId;

    /// <summary>Server info reported by the downstream.</summary>
    public Implementation? ServerInfo => Status == DownstreamStatus.Connected ? _client?.ServerInfo : null;

    /// <summary>Capabilities reported by the downstream.</summary>
    public ServerCapabilities? ServerCapabilities => Status == DownstreamStatus.Connected ? _client?.ServerCapabilities : null;

    /// <summary>
    /// While connected to an HTTP server that also takes 2026-07-28 requests (and <see cref="DownstreamServerOptions.StatelessForwarding"/>
    /// is on): forwards 2026-07-28 callers' tool calls, prompts and reads to it without the session. Null otherwise.
    /// </summary>
    internal StatelessForwarder? Forwarder => Status == DownstreamStatus.Connected ? _forwarder : null;

    /// <summary>The last fetched catalog (empty while not connected).</summary>
    public DownstreamCatalog Catalog { get; private set; } = DownstreamCatalog.Empty;

    /// <summary>The catalog of the last successful connection, kept while disconnected so calls to its tools can say why they fail.</summary>
    public DownstreamCatalog LastKnownCatalog { get; private set; } = DownstreamCatalog.Empty;

    /// <summary>Request statistics.</summary>
    public DownstreamStats Stats { get; } = new();

    /// <summary>Raised when the catalog (or the connection state that decides whether it counts) changed.</summary>
    public event Action<DownstreamConnection>? CatalogChanged;

    /// <summary>Raised for notifications the gateway forwards upstream (resource updates, log messages).</summary>
    public event Func<DownstreamConnection, JsonRpcNotification, ValueTask>? NotificationReceived;

    /// <summary>Starts connecting in the background (no-op when disabled).</summary>
    public void Start()
    {
        if (_options.Enabled)
        {
            _run = Task.Run(() => RunAsync(_stopping.Token));
        }
    }

    /// <summary>
    /// Runs one request against the server with the request timeout, statistics, and retries for failures to reach it
    /// (<paramref name="retryable"/> requests only). Throws an <see cref="McpProtocolException"/> naming the server when
    /// it is not connected, times out, or the connection breaks.
    /// </summary>
    public async Task<T> SendAsync<T>(string method, Func<McpClient, CancellationToken, Task<T>> operation, bool retryable, CancellationToken cancellationToken, McpServer? caller = null)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var dedicated = await AcquireDedicatedAsync(caller, cancellationToken).ConfigureAwait(false);
        // A call on its session's own client cannot be confused with another caller's: it stays off the shared list.
        using var inFlight = caller is null || dedicated is not null ? null : _callers.Enter(caller);
        var attempts = retryable ? _options.RetryAttempts + 1 : 1;
        for (var attempt = 1; ; attempt++)
        {
            var client = Status == DownstreamStatus.Connected ? dedicated?.Client ?? _client : null;
            if (client is null)
            {
                throw DownstreamErrors.Unavailable(Name, Status, LastError, NextAttemptAt);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            var started = Stopwatch.GetTimestamp();
            using var activity = GatewayMetrics.StartCall(method, Name);
            try
            {
                var result = await operation(client, timeout.Token).ConfigureAwait(false);
                RecordCall(method, started, null, activity);
                return result;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
            {
                RecordCall(method, started, "timeout", activity);
                throw DownstreamErrors.Timeout(Name, _options.RequestTimeout);
            }
            catch (McpProtocolException ex)
            {
                // The server answered with a JSON-RPC error: it is up, the request was wrong. Pass it on as it is.
                RecordCall(method, started, ((int)ex.ErrorCode).ToString(System.Globalization.CultureInfo.InvariantCulture), activity);
                throw;
            }
            catch (Exception ex) when (IsConnectionFailure(ex) && !cancellationToken.IsCancellationRequested)
            {
                RecordCall(method, started, ex.GetType().Name, activity);
                LogRequestFailed(_logger, Name, attempt, ex.Message);
                if (dedicated is not null && _dedicated is not null)
                {
                    // Its session is gone (the server restarted or dropped it): the next call connects afresh.
                    await _dedicated.DropAsync(dedicated).ConfigureAwait(false);
                    throw DownstreamErrors.Connection(Name, ex.Message);
                }
                if (attempt >= attempts)
                {
                    throw DownstreamErrors.Connection(Name, ex.Message);
                }
                await Task.Delay(_options.RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<DedicatedDownstreamClients.Lease?> AcquireDedicatedAsync(McpServer? caller, CancellationToken cancellationToken)
    {
        if (caller is null || _dedicated is null || Status != DownstreamStatus.Connected || !DedicatedDownstreamClients.Wants(caller))
        {
            return null;
        }
        try
        {
            return await _dedicated.AcquireAsync(caller, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw DownstreamErrors.Connection(Name, ex.Message);
        }
    }

    private async Task<McpClient> ConnectDedicatedAsync(McpClientHandlers handlers, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, cancellationToken);
        timeout.CancelAfter(_options.ConnectionTimeout);
        var options = new McpClientOptions
        {
            ProtocolVersion = _options.ProtocolVersion == "latest" ? null : _options.ProtocolVersion,
            ClientInfo = new Implementation { Name = "mcpaspire-gateway", Version = typeof(DownstreamConnection).Assembly.GetName().Version?.ToString() ?? "1.0.0" },
            InitializationTimeout = _options.ConnectionTimeout,
            Handlers = handlers,
        };
        try
        {
            return await McpClient.CreateAsync(CreateTransport(), options, _loggerFactory, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"connecting took longer than {_options.ConnectionTimeout.TotalSeconds:0.###} s");
        }
    }

    /// <summary>Records one request in the statistics, the metrics and its span.</summary>
    internal void RecordCall(string method, long started, string? errorType, Activity? activity)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        Stats.Record(elapsed, errorType is null);
        GatewayMetrics.RecordCall(Name, method, elapsed, errorType);
        if (errorType is not null)
        {
            activity?.SetTag("error.type", errorType);
            activity?.SetStatus(ActivityStatusCode.Error);
        }
    }

    /// <summary>Fetches the catalog again (after list-changed or when the TTL passed).</summary>
    public async Task RefreshCatalogAsync(CancellationToken cancellationToken)
    {
        var client = _client;
        if (client is null || Status != DownstreamStatus.Connected)
        {
            return;
        }
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Catalog = await FetchCatalogAsync(client, cancellationToken).ConfigureAwait(false);
            LastKnownCatalog = Catalog;
        }
        finally
        {
            _refreshGate.Release();
        }
        CatalogChanged?.Invoke(this);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await CloseClientAsync().ConfigureAwait(false);
        Status = _options.Enabled ? DownstreamStatus.Stopped : DownstreamStatus.Disabled;
        _stopping.Dispose();
        _refreshGate.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Status = _reconnectAttempt == 0 ? DownstreamStatus.Connecting : DownstreamStatus.Reconnecting;
            NextAttemptAt = null;
            try
            {
                await ConnectAsync(stopping).ConfigureAwait(false);
                if (_reconnectAttempt > 0)
                {
                    Stats.Reconnected();
                }
                _reconnectAttempt = 0;
                LastError = null;
                LogConnected(_logger, Name, Catalog.Tools.Count, Catalog.Prompts.Count, Catalog.Resources.Count);
                CatalogChanged?.Invoke(this);
                var reason = await WatchAsync(stopping).ConfigureAwait(false);
                if (stopping.IsCancellationRequested)
                {
                    return;
                }
                LastError = reason;
                LogLost(_logger, Name, reason);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LastError = Describe(ex);
                LogConnectFailed(_logger, Name, _reconnectAttempt + 1, LastError);
            }

            await CloseClientAsync().ConfigureAwait(false);
            var hadCatalog = Catalog.Tools.Count + Catalog.Prompts.Count + Catalog.Resources.Count + Catalog.ResourceTemplates.Count > 0;
            Catalog = DownstreamCatalog.Empty;
            _reconnectAttempt++;
            if (!_options.AutoReconnect || (_options.MaxReconnectAttempts > 0 && _reconnectAttempt > _options.MaxReconnectAttempts))
            {
                Status = DownstreamStatus.Failed;
                CatalogChanged?.Invoke(this);
                LogGaveUp(_logger, Name, _reconnectAttempt - 1);
                return;
            }
            var delay = ReconnectBackoff.Delay(_reconnectAttempt, _options.ReconnectDelay, _options.MaxReconnectDelay);
            NextAttemptAt = _time.GetUtcNow() + delay;
            Status = DownstreamStatus.Reconnecting;
            if (hadCatalog || _reconnectAttempt == 1)
            {
                CatalogChanged?.Invoke(this);
            }
            try
            {
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ConnectAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.ConnectionTimeout);
        var transport = CreateTransport();
        var clientOptions = new McpClientOptions
        {
            ProtocolVersion = _options.ProtocolVersion == "latest" ? null : _options.ProtocolVersion,
            ClientInfo = new Implementation { Name = "mcpaspire-gateway", Version = typeof(DownstreamConnection).Assembly.GetName().Version?.ToString() ?? "1.0.0" },
            InitializationTimeout = _options.ConnectionTimeout,
            Handlers = new McpClientHandlers
            {
                // Server→client requests go to the client whose call is in flight on this connection (see InFlightCallers).
                // Sampling, roots (and logging) are deprecated in 2026-07-28 but are how 2025-era servers talk to users.
#pragma warning disable MCP9005
                SamplingHandler = async (request, progress, ct) => await _callers.Single("sampling/createMessage", Name, c => c.ClientCapabilities?.Sampling is not null)
                    .SampleAsync(request!, ct).ConfigureAwait(false),
                ElicitationHandler = async (request, ct) => await _callers.Single("elicitation/create", Name, c => c.ClientCapabilities?.Elicitation is not null)
                    .ElicitAsync(request!, ct).ConfigureAwait(false),
                RootsHandler = async (request, ct) => await _callers.Single("roots/list", Name, c => c.ClientCapabilities?.Roots is not null)
                    .RequestRootsAsync(request ?? new ListRootsRequestParams(), ct).ConfigureAwait(false),
#pragma warning restore MCP9005
                NotificationHandlers =
                [
                    new(NotificationMethods.ToolListChangedNotification, OnListChangedAsync),
                    new(NotificationMethods.PromptListChangedNotification, OnListChangedAsync),
                    new(NotificationMethods.ResourceListChangedNotification, OnListChangedAsync),
                    new(NotificationMethods.ResourceUpdatedNotification, OnForwardedNotificationAsync),
                    // Logging is deprecated in 2026-07-28 but 2025 servers still send it; forwarded for 2025-era clients.
                    new("notifications/message", OnForwardedNotificationAsync),
                ],
            },
        };
        McpClient client;
        try
        {
            client = await McpClient.CreateAsync(transport, clientOptions, _loggerFactory, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            throw new TimeoutException($"connecting took longer than {_options.ConnectionTimeout.TotalSeconds:0.###} s");
        }
        _client = client;
        Status = DownstreamStatus.Connecting;
        Catalog = await FetchCatalogAsync(client, timeout.Token).ConfigureAwait(false);
        LastKnownCatalog = Catalog;
        _forwarder = await DiscoverStatelessAsync(timeout.Token).ConfigureAwait(false);
        ConnectedAt = _time.GetUtcNow();
        Interlocked.Exchange(ref _connectedAtTicks, _time.GetTimestamp());
        _sessionEnded = new CancellationTokenSource();
        Status = DownstreamStatus.Connected;
    }

    private IClientTransport CreateTransport()
    {
        if (_options.EffectiveTransport == DownstreamTransport.Stdio)
        {
            return new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = Name,
                Command = _options.Command!,
                Arguments = [.. _options.Args],
                WorkingDirectory = _options.Cwd,
                EnvironmentVariables = _options.Env.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal),
                StandardErrorLines = line => LogStderr(_logger, Name, line),
                ShutdownTimeout = TimeSpan.FromSeconds(2),
            }, _loggerFactory);
        }
        return new HttpClientTransport(new HttpClientTransportOptions
        {
            Name = Name,
            Endpoint = ResolveEndpoint(),
            TransportMode = _options.EffectiveTransport switch
            {
                DownstreamTransport.StreamableHttp => HttpTransportMode.StreamableHttp,
                DownstreamTransport.Sse => HttpTransportMode.Sse,
                _ => HttpTransportMode.AutoDetect,
            },
            ConnectionTimeout = _options.ConnectionTimeout,
            AdditionalHeaders = new Dictionary<string, string>(_options.Headers, StringComparer.OrdinalIgnoreCase),
        }, _http, _loggerFactory, ownsHttpClient: false);
    }

    private Uri ResolveEndpoint()
    {
        var url = new Uri(_options.Url!);
        return ServiceEndpointResolver.IsLogicalServiceUri(url) ? _resolver.Resolve(url) : url;
    }

    /// <summary>
    /// Over Streamable HTTP (explicit or detected), asks the server whether it also takes 2026-07-28 requests; a
    /// legacy SSE server, a 2025-only server or a failed probe leave calls on the session.
    /// </summary>
    private async Task<StatelessForwarder?> DiscoverStatelessAsync(CancellationToken cancellationToken)
    {
        if (!_options.StatelessForwarding || _options.EffectiveTransport is DownstreamTransport.Stdio or DownstreamTransport.Sse)
        {
            return null;
        }
        // A server that does not answer the probe promptly is simply not forwarded to; the connection stands.
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(_options.ConnectionTimeout < s_probeTimeout ? _options.ConnectionTimeout : s_probeTimeout);
        try
        {
            var forwarder = await StatelessForwarder.DiscoverAsync(this, ResolveEndpoint(), _http, _logger, probe.Token).ConfigureAwait(false);
            LogStatelessForwarding(_logger, Name, forwarder is not null);
            return forwarder;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogStatelessProbeFailed(_logger, Name, Describe(ex));
            return null;
        }
    }

    /// <summary>Waits until the session ends, a health check fails, or the gateway stops; returns why.</summary>
    private async Task<string> WatchAsync(CancellationToken stopping)
    {
        var client = _client!;
        var ended = _sessionEnded!.Token;
        var completion = client.Completion;
        var nextRefresh = _time.GetUtcNow() + _options.CatalogTtl;
        var interval = _options.HealthCheckInterval > TimeSpan.Zero ? _options.HealthCheckInterval : _options.CatalogTtl;
        while (!stopping.IsCancellationRequested)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping, ended);
            var tick = Task.Delay(interval < _options.CatalogTtl ? interval : _options.CatalogTtl, _time, wait.Token);
            var finished = await Task.WhenAny(completion, tick).ConfigureAwait(false);
            if (finished == completion)
            {
                var details = await completion.ConfigureAwait(false);
                return "session ended: " + (details.Exception?.Message ?? "the server closed the connection");
            }
            if (stopping.IsCancellationRequested)
            {
                return "stopping";
            }
            if (ended.IsCancellationRequested)
            {
                return "connection reported broken";
            }
            if (_options.HealthCheckInterval > TimeSpan.Zero)
            {
                try
                {
                    using var ping = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    ping.CancelAfter(_options.RequestTimeout < TimeSpan.FromSeconds(10) ? _options.RequestTimeout : TimeSpan.FromSeconds(10));
                    await ProbeAsync(client, ping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    return "health check failed: " + Describe(ex);
                }
            }
            if (_time.GetUtcNow() >= nextRefresh)
            {
                nextRefresh = _time.GetUtcNow() + _options.CatalogTtl;
                try
                {
                    await RefreshCatalogAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    return "catalog refresh failed: " + Describe(ex);
                }
            }
        }
        return "stopping";
    }

    /// <summary>
    /// A cheap request proving the server answers: <c>ping</c> for 2025-era servers; 2026-07-28 removed ping, so there
    /// the probe is <c>server/discover</c>.
    /// </summary>
    private static async Task ProbeAsync(McpClient client, CancellationToken cancellationToken)
    {
        if (client.NegotiatedProtocolVersion is { } version && string.CompareOrdinal(version, "2026-07-28") >= 0)
        {
            var response = await client.SendRequestAsync(new JsonRpcRequest { Method = "server/discover", Params = new System.Text.Json.Nodes.JsonObject() }, cancellationToken).ConfigureAwait(false);
            _ = response.Result ?? throw new InvalidOperationException("server/discover returned no result");
            return;
        }
        await client.PingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task<DownstreamCatalog> FetchCatalogAsync(McpClient client, CancellationToken ct)
    {
        var caps = client.ServerCapabilities;
        var tools = new List<Tool>();
        var prompts = new List<Prompt>();
        var resources = new List<Resource>();
        var templates = new List<ResourceTemplate>();
        if (caps?.Tools is not null)
        {
            string? cursor = null;
            do
            {
                var page = await client.ListToolsAsync(new ListToolsRequestParams { Cursor = cursor }, ct).ConfigureAwait(false);
                tools.AddRange(page.Tools);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }
        if (caps?.Prompts is not null)
        {
            string? cursor = null;
            do
            {
                var page = await client.ListPromptsAsync(new ListPromptsRequestParams { Cursor = cursor }, ct).ConfigureAwait(false);
                prompts.AddRange(page.Prompts);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }
        if (caps?.Resources is not null)
        {
            string? cursor = null;
            do
            {
                var page = await client.ListResourcesAsync(new ListResourcesRequestParams { Cursor = cursor }, ct).ConfigureAwait(false);
                resources.AddRange(page.Resources);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            cursor = null;
            do
            {
                var page = await client.ListResourceTemplatesAsync(new ListResourceTemplatesRequestParams { Cursor = cursor }, ct).ConfigureAwait(false);
                templates.AddRange(page.ResourceTemplates);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }
        return new DownstreamCatalog(tools, prompts, resources, templates, _time.GetUtcNow());
    }

    private async ValueTask OnListChangedAsync(JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        try
        {
            await RefreshCatalogAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRefreshFailed(_logger, Name, ex.Message);
            _sessionEnded?.Cancel();
        }
    }

    private async ValueTask OnForwardedNotificationAsync(JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        if (NotificationReceived is { } handler)
        {
            await handler(this, notification).ConfigureAwait(false);
        }
    }

    private async Task CloseClientAsync()
    {
        _forwarder = null;
        if (_dedicated is not null)
        {
            // Per-session clients do not outlive the shared connection: the server they talk to is gone or stopping.
            try
            {
                await _dedicated.ClearAsync().WaitAsync(s_httpCloseTimeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogCloseFailed(_logger, Name, $"per-session clients not closed within {s_httpCloseTimeout.TotalSeconds} s");
            }
        }
        var client = Interlocked.Exchange(ref _client, null);
        Interlocked.Exchange(ref _connectedAtTicks, 0);
        ConnectedAt = null;
        _sessionEnded?.Dispose();
        _sessionEnded = null;
        if (client is not null)
        {
            try
            {
                // Disposing the client ends a stdio child (the SDK kills its process tree, bounded by the transport's
                // own shutdown timeout) or the HTTP session (bounded here).
                var closing = client.DisposeAsync().AsTask();
                await (_dedicated is null ? closing : closing.WaitAsync(s_httpCloseTimeout, _time)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogCloseFailed(_logger, Name, ex.Message);
            }
        }
    }

    private static bool IsConnectionFailure(Exception ex) =>
        ex is HttpRequestException or IOException or ObjectDisposedException or TimeoutException or InvalidOperationException
        || ex.GetType().Name.Contains("Transport", StringComparison.Ordinal)
        || (ex is McpException && ex is not McpProtocolException);

    private static string Describe(Exception ex) => ex is AggregateException { InnerException: { } inner } ? inner.Message : ex.Message;

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Downstream {Server} takes 2026-07-28 requests without the session: {Forwarding}")]
    private static partial void LogStatelessForwarding(ILogger logger, string server, bool forwarding);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Downstream {Server} did not answer the 2026-07-28 probe ({Error}); requests stay on the session")]
    private static partial void LogStatelessProbeFailed(ILogger logger, string server, string error);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Downstream {Server} connected: {Tools} tools, {Prompts} prompts, {Resources} resources")]
    private static partial void LogConnected(ILogger logger, string server, int tools, int prompts, int resources);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Downstream {Server} connect attempt {Attempt} failed: {Error}")]
    private static partial void LogConnectFailed(ILogger logger, string server, int attempt, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Downstream {Server} lost: {Reason}")]
    private static partial void LogLost(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Downstream {Server} failed after {Attempts} reconnect attempts; giving up")]
    private static partial void LogGaveUp(ILogger logger, string server, int attempts);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Downstream {Server} request attempt {Attempt} failed: {Error}")]
    private static partial void LogRequestFailed(ILogger logger, string server, int attempt, string error);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Downstream {Server} catalog refresh failed: {Error}")]
    private static partial void LogRefreshFailed(ILogger logger, string server, string error);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Downstream {Server} stderr: {Line}")]
    private static partial void LogStderr(ILogger logger, string server, string line);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Downstream {Server} close failed: {Error}")]
    private static partial void LogCloseFailed(ILogger logger, string server, string error);
}
