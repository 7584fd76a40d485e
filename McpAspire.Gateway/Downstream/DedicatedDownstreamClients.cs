using System.Collections.Concurrent;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Gateway.Downstream;

/// <summary>
/// Per-session downstream clients for one HTTP downstream: a 2025-era session whose client can answer sampling,
/// elicitation or roots gets its own downstream MCP session, so a server→client request arriving on it can only be for
/// that session (the shared connection cannot tell concurrent callers apart, see <see cref="InFlightCallers"/>). The
/// request is asked of the session's call in flight, so it travels on that call's response stream. Opened on the
/// session's first such call, closed after <see cref="IdleTimeout"/> without calls, when the shared connection drops,
/// and with the gateway; beyond <see cref="MaxClients"/> sessions fall back to the shared connection.
/// </summary>
internal sealed partial class DedicatedDownstreamClients : IAsyncDisposable
{
    /// <summary>How long an unused dedicated client is kept.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Dedicated clients per downstream at most.</summary>
    public const int MaxClients = 256;

    private static readonly TimeSpan s_sweepEvery = TimeSpan.FromSeconds(30);
    private readonly Func<McpClientHandlers, CancellationToken, Task<McpClient>> _connect;
    private readonly KeyValuePair<string, Func<JsonRpcNotification, CancellationToken, ValueTask>>[] _notificationHandlers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _server;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _nextSweep;

    public DedicatedDownstreamClients(
        string server,
        Func<McpClientHandlers, CancellationToken, Task<McpClient>> connect,
        IEnumerable<KeyValuePair<string, Func<JsonRpcNotification, CancellationToken, ValueTask>>> notificationHandlers,
        TimeProvider time,
        ILogger logger)
    {
        _notificationHandlers = [.. notificationHandlers];
        _server = server;
        _connect = connect;
        _time = time;
        _logger = logger;
        _nextSweep = time.GetTimestamp();
    }

    /// <summary>Open dedicated clients.</summary>
    public int Count => _entries.Count;

    /// <summary>True for callers that get a dedicated client: 2025-era sessions able to answer a server→client request.</summary>
    public static bool Wants(McpServer caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
#pragma warning disable MCP9005 // sampling and roots are deprecated in 2026-07-28 but 2025-era clients still offer them
        return caller.SessionId is not null
            && caller.ClientCapabilities is { Sampling: not null } or { Elicitation: not null } or { Roots: not null };
#pragma warning restore MCP9005
    }

    /// <summary>
    /// The caller's dedicated client, connecting it on first use; null when the caller does not want one or the limit is
    /// reached. Dispose the returned lease when the call is done.
    /// </summary>
    public async Task<Lease?> AcquireAsync(McpServer caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!Wants(caller))
        {
            return null;
        }
        await SweepIfDueAsync().ConfigureAwait(false);
        var sessionId = caller.SessionId!;
        if (!_entries.TryGetValue(sessionId, out var entry))
        {
            if (_entries.Count >= MaxClients)
            {
                LogLimitReached(_logger, _server, MaxClients);
                return null;
            }
            entry = _entries.GetOrAdd(sessionId, _ => new Entry(this));
        }
        var lease = entry.Enter(caller, _time.GetTimestamp());
        try
        {
            var client = await entry.Client.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            return lease with { Client = client };
        }
        catch
        {
            lease.Dispose();
            if (entry.Client.Value.IsFaulted && _entries.TryRemove(KeyValuePair.Create(sessionId, entry)))
            {
                // A failed connect is not kept: the next call tries again.
                LogConnectFailed(_logger, _server, entry.Client.Value.Exception?.GetBaseException().Message ?? "unknown");
            }
            throw;
        }
    }

    /// <summary>Closes the lease's client after its connection broke, so the session's next call connects afresh.</summary>
    public async Task DropAsync(Lease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        foreach (var (sessionId, entry) in _entries)
        {
            if (ReferenceEquals(entry, lease.Owner) && _entries.TryRemove(KeyValuePair.Create(sessionId, entry)))
            {
                await entry.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Closes every dedicated client (the shared connection dropped, or the gateway stops).</summary>
    public async Task ClearAsync()
    {
        foreach (var (sessionId, entry) in _entries)
        {
            if (_entries.TryRemove(KeyValuePair.Create(sessionId, entry)))
            {
                await entry.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    public ValueTask DisposeAsync() => new(ClearAsync());

    private async Task SweepIfDueAsync()
    {
        var now = _time.GetTimestamp();
        var due = Interlocked.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + (long)(s_sweepEvery.TotalSeconds * _time.TimestampFrequency), due) != due)
        {
            return;
        }
        foreach (var (sessionId, entry) in _entries)
        {
            if (entry.IdleLongerThan(IdleTimeout, _time) && _entries.TryRemove(KeyValuePair.Create(sessionId, entry)))
            {
                await entry.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One call's use of a dedicated client.</summary>
    public sealed record Lease(Entry Owner, McpClient? Client) : IDisposable
    {
        public void Dispose() => Owner.Exit();
    }

    /// <summary>One session's dedicated client and the call of that session currently in flight on it.</summary>
    public sealed class Entry
    {
        private readonly DedicatedDownstreamClients _owner;
        private McpServer? _caller;
        private int _inFlight;
        private long _lastUsed;

        public Entry(DedicatedDownstreamClients owner)
        {
            _owner = owner;
            Client = new Lazy<Task<McpClient>>(() => owner._connect(Handlers(), CancellationToken.None));
        }

        public Lazy<Task<McpClient>> Client { get; }

        public Lease Enter(McpServer caller, long now)
        {
            Volatile.Write(ref _caller, caller);
            Interlocked.Increment(ref _inFlight);
            Interlocked.Exchange(ref _lastUsed, now);
            return new Lease(this, null);
        }

        public void Exit()
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Exchange(ref _lastUsed, _owner._time.GetTimestamp());
        }

        public bool IdleLongerThan(TimeSpan idle, TimeProvider time) =>
            Volatile.Read(ref _inFlight) == 0 && time.GetElapsedTime(Interlocked.Read(ref _lastUsed)) > idle;

        public async Task CloseAsync()
        {
            if (!Client.IsValueCreated)
            {
                return;
            }
            try
            {
                await (await Client.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // It failed to connect, or its connection is already gone: nothing left to close.
            }
        }

        private McpServer Caller(string method) =>
            Volatile.Read(ref _caller) is { } caller && Volatile.Read(ref _inFlight) > 0
                ? caller
                : throw new McpProtocolException($"MCP server '{_owner._server}' sent {method} while its client had no request in flight through the gateway.", McpErrorCode.InvalidRequest);

        private McpClientHandlers Handlers() => new()
        {
#pragma warning disable MCP9005 // sampling and roots are deprecated in 2026-07-28 but are how 2025-era servers talk to users
            SamplingHandler = async (request, progress, ct) => await Caller("sampling/createMessage").SampleAsync(request!, ct).ConfigureAwait(false),
            ElicitationHandler = async (request, ct) => await Caller("elicitation/create").ElicitAsync(request!, ct).ConfigureAwait(false),
            RootsHandler = async (request, ct) => await Caller("roots/list").RequestRootsAsync(request ?? new ListRootsRequestParams(), ct).ConfigureAwait(false),
#pragma warning restore MCP9005
            // Log messages and resource updates sent during a call arrive on this session: forwarded like the shared ones.
            NotificationHandlers = _owner._notificationHandlers,
        };
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Downstream {Server}: {Max} dedicated session clients open; further sessions share the connection")]
    private static partial void LogLimitReached(ILogger logger, string server, int max);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Downstream {Server}: a dedicated session client could not connect: {Error}")]
    private static partial void LogConnectFailed(ILogger logger, string server, string error);
}
