using System.Text.Json;
using McpAspire.Gateway.Catalog;
using McpAspire.Gateway.Configuration;
using McpAspire.ServiceDefaults.ServiceDiscovery;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Downstream;

/// <summary>
/// Owns every downstream connection: starts them, applies configuration reloads (new servers connect, removed ones
/// are disposed — stdio children included — and changed ones restart), and rebuilds the merged catalog whenever one
/// server's catalog or status changes. Stopping the host disposes all connections, so no child process outlives it.
/// </summary>
public sealed partial class DownstreamManager : IHostedService, IAsyncDisposable
{
    private readonly DownstreamServerSource _source;
    private readonly IOptionsMonitor<GatewayOptions> _options;
    private readonly ServiceEndpointResolver _resolver;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<DownstreamManager> _logger;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private readonly Lock _catalogLock = new();
    private Dictionary<string, DownstreamConnection> _connections = new(StringComparer.Ordinal);
    private long _version;
    private readonly ExposedNameMemory _exposedNames = new();
    private int _disposed;

    /// <summary>Creates the manager.</summary>
    public DownstreamManager(DownstreamServerSource source, IOptionsMonitor<GatewayOptions> options, ServiceEndpointResolver resolver, ILoggerFactory loggerFactory, TimeProvider time,
        McpAspire.ServiceDefaults.ServiceAuth.ServiceKeyOutbound serviceKeys)
    {
        ArgumentNullException.ThrowIfNull(serviceKeys);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _source = source;
        _options = options;
        _resolver = resolver;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DownstreamManager>();
        _time = time;
        // Long-lived MCP streams: no overall timeout, no generic retry handler (the connection has its own policy).
        // The service key goes only to AppHost-wired services (the tool host), never to third-party MCP servers.
        // A downstream that polls (ends a tool call's stream, the client resumes) makes the gateway poll its caller too.
        _http = new HttpClient(new DownstreamPolling(serviceKeys.Wrap(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(10) })))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The merged catalog now in force.</summary>
    public CatalogSnapshot Catalog { get; private set; } = CatalogSnapshot.Empty;

    /// <summary>The name collisions of the current catalog and how each was resolved (in <c>/stats</c>).</summary>
    public IReadOnlyList<NameCollision> Collisions { get; private set; } = [];

    /// <summary>Connections by name, ordered.</summary>
    public IReadOnlyList<DownstreamConnection> Connections => [.. _connections.Values.OrderBy(c => c.Name, StringComparer.Ordinal)];

    /// <summary>Raised after the merged catalog changed (tools, prompts or resources came or went).</summary>
    public event Action<CatalogSnapshot, CatalogSnapshot>? CatalogChanged;

    /// <summary>Raised for notifications to forward upstream (resource updates, log messages).</summary>
    public event Func<DownstreamConnection, JsonRpcNotification, ValueTask>? NotificationReceived;

    /// <summary>The connection of <paramref name="server"/>.</summary>
    public DownstreamConnection? Get(string server) => _connections.GetValueOrDefault(server);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _source.Changed += OnSourceChanged;
        await ApplyAsync(_source.Current).ConfigureAwait(false);
        await WaitForFirstAttemptsAsync(_options.CurrentValue.StartupConnectWait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hosted services start before Kestrel listens: waiting here keeps the replica out of the front proxy's rotation
    /// until each downstream's first connection attempt has ended (connected or failed), at most <paramref name="wait"/>.
    /// </summary>
    private async Task WaitForFirstAttemptsAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (_connections.Values.Any(c => c.Status == DownstreamStatus.Connecting))
        {
            if (_time.GetElapsedTime(started) >= wait)
            {
                LogStartupWaitEnded(_logger, string.Join(", ", _connections.Values.Where(c => c.Status == DownstreamStatus.Connecting).Select(c => c.Name)), wait);
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(25), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _source.Changed -= OnSourceChanged;
        await ApplyAsync(new Dictionary<string, DownstreamServerOptions>()).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as a hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _http.Dispose();
        _applyGate.Dispose();
    }

    /// <summary>Brings the running connections in line with <paramref name="servers"/>.</summary>
    public async Task ApplyAsync(IReadOnlyDictionary<string, DownstreamServerOptions> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        await _applyGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var next = new Dictionary<string, DownstreamConnection>(StringComparer.Ordinal);
            var toStop = new List<DownstreamConnection>();
            foreach (var (name, existing) in _connections)
            {
                if (servers.TryGetValue(name, out var wanted) && Same(existing.Options, wanted))
                {
                    next[name] = existing;
                }
                else
                {
                    toStop.Add(existing);
                }
            }
            var toStart = new List<DownstreamConnection>();
            foreach (var (name, options) in servers)
            {
                if (!next.ContainsKey(name))
                {
                    var connection = new DownstreamConnection(name, options.Clone(), _resolver, _http, _loggerFactory, _time);
                    connection.CatalogChanged += OnConnectionCatalogChanged;
                    connection.NotificationReceived += OnConnectionNotificationAsync;
                    next[name] = connection;
                    toStart.Add(connection);
                }
            }
            _connections = next;
            foreach (var connection in toStop)
            {
                connection.CatalogChanged -= OnConnectionCatalogChanged;
                connection.NotificationReceived -= OnConnectionNotificationAsync;
                await connection.DisposeAsync().ConfigureAwait(false);
                LogStopped(_logger, connection.Name);
            }
            foreach (var connection in toStart)
            {
                connection.Start();
            }
            RebuildCatalog();
        }
        finally
        {
            _applyGate.Release();
        }
    }

    private void OnSourceChanged(IReadOnlyDictionary<string, DownstreamServerOptions> servers) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await ApplyAsync(servers).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogApplyFailed(_logger, ex.Message);
            }
        });

    private void OnConnectionCatalogChanged(DownstreamConnection connection) => RebuildCatalog();

    private ValueTask OnConnectionNotificationAsync(DownstreamConnection connection, JsonRpcNotification notification) =>
        NotificationReceived?.Invoke(connection, notification) ?? ValueTask.CompletedTask;

    private void RebuildCatalog()
    {
        CatalogSnapshot previous, next;
        var hidden = new List<string>();
        var collisions = new List<NameCollision>();
        lock (_catalogLock)
        {
            previous = Catalog;
            if (previous.Served)
            {
                _exposedNames.Remember(previous);
            }
            var servers = _connections.Values
                .Where(c => c.Status == DownstreamStatus.Connected)
                .Select(c => new ServerCatalog(c.Name, c.Options.Prefix ?? c.Name, c.Catalog, [.. c.Options.AllowTools], [.. c.Options.DenyTools]));
            var unavailable = _connections.Values
                .Where(c => c.Status != DownstreamStatus.Connected)
                .Select(c => new ServerCatalog(c.Name, c.Options.Prefix ?? c.Name, c.LastKnownCatalog, [.. c.Options.AllowTools], [.. c.Options.DenyTools]));
            next = CatalogBuilder.Build(++_version, servers, _options.CurrentValue.PrefixMode, hidden, unavailable, _exposedNames, collisions);
            Catalog = next;
            var known = Collisions.ToHashSet();
            Collisions = collisions;
            foreach (var c in collisions.Where(c => !known.Contains(c) && c.ExposedAs is not null))
            {
                LogRenamed(_logger, c.Kind, c.Name, c.Server, c.ExposedAs!, c.TakenBy ?? "several servers");
            }
        }
        foreach (var h in hidden)
        {
            LogHidden(_logger, h);
        }
        CatalogChanged?.Invoke(previous, next);
    }

    private static bool Same(DownstreamServerOptions a, DownstreamServerOptions b) =>
        JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Serving before {Servers} connected: the first attempt took longer than {Wait}")]
    private static partial void LogStartupWaitEnded(ILogger logger, string servers, TimeSpan wait);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Downstream {Server} stopped")]
    private static partial void LogStopped(ILogger logger, string server);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Applying the downstream configuration failed: {Error}")]
    private static partial void LogApplyFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Name collision: {Kind} {Name} of {Server} is exposed as {ExposedAs} ({Holder} has the name)")]
    private static partial void LogRenamed(ILogger logger, string kind, string name, string server, string exposedAs, string holder);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Hidden by a name collision: {Item}")]
    private static partial void LogHidden(ILogger logger, string item);
}
