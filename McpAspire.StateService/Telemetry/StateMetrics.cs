using System.Diagnostics.Metrics;
using McpAspire.StateService.Client;

namespace McpAspire.StateService.Telemetry;

/// <summary>
/// The state manager's counters, as OpenTelemetry instruments (meter <c>McpAspire.StateService</c>) and as the
/// totals behind <c>/stats</c>.
/// </summary>
public sealed class StateMetrics : IDisposable
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "McpAspire.StateService";

    private readonly Meter _meter;
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _unregistrations;
    private readonly Counter<long> _gets;
    private readonly Counter<long> _lists;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _reconnections;
    private readonly Counter<long> _expired;
    private readonly Counter<long> _events;
    private long _registrationsTotal;
    private long _unregistrationsTotal;
    private long _getsTotal;
    private long _listsTotal;
    private long _errorsTotal;
    private long _reconnectionsTotal;
    private long _expiredTotal;
    private long _eventsTotal;
    private long _activeSessions;
    private long _subscribers;

    /// <summary>Creates the instruments.</summary>
    public StateMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _registrations = _meter.CreateCounter<long>("mcp.state.client.registrations", "{registration}", "MCP client registrations");
        _unregistrations = _meter.CreateCounter<long>("mcp.state.client.unregistrations", "{unregistration}", "MCP client unregistrations (explicit and cleanup)");
        _gets = _meter.CreateCounter<long>("mcp.state.gets", "{get}", "Session and client reads");
        _lists = _meter.CreateCounter<long>("mcp.state.lists", "{list}", "List operations");
        _errors = _meter.CreateCounter<long>("mcp.state.errors", "{error}", "Failed operations (Redis errors)");
        _reconnections = _meter.CreateCounter<long>("mcp.state.reconnections", "{reconnection}", "Redis connection restorations");
        _expired = _meter.CreateCounter<long>("mcp.state.sessions.expired", "{session}", "Sessions detected as expired");
        _events = _meter.CreateCounter<long>("mcp.state.events.appended", "{event}", "Session events appended");
        _meter.CreateObservableGauge("mcp.state.sessions.active", () => Volatile.Read(ref _activeSessions), "{session}", "Live sessions at the last sweep");
        _meter.CreateObservableGauge("mcp.state.subscribers", () => Volatile.Read(ref _subscribers), "{subscriber}", "Open /events streams");
    }

    public void Registered() => Add(_registrations, ref _registrationsTotal, 1);

    public void Unregistered(long count = 1) => Add(_unregistrations, ref _unregistrationsTotal, count);

    public void Got() => Add(_gets, ref _getsTotal, 1);

    public void Listed() => Add(_lists, ref _listsTotal, 1);

    public void Failed() => Add(_errors, ref _errorsTotal, 1);

    public void Reconnected() => Add(_reconnections, ref _reconnectionsTotal, 1);

    public void Expired(long count) => Add(_expired, ref _expiredTotal, count);

    public void EventAppended() => Add(_events, ref _eventsTotal, 1);

    public void SetActiveSessions(long count) => Volatile.Write(ref _activeSessions, count);

    public void SubscriberAdded() => Interlocked.Increment(ref _subscribers);

    public void SubscriberRemoved() => Interlocked.Decrement(ref _subscribers);

    /// <summary>A snapshot for <c>/stats</c>.</summary>
    public StateStats Snapshot(bool redisConnected) => new(
        Volatile.Read(ref _registrationsTotal),
        Volatile.Read(ref _unregistrationsTotal),
        Volatile.Read(ref _getsTotal),
        Volatile.Read(ref _listsTotal),
        Volatile.Read(ref _errorsTotal),
        Volatile.Read(ref _reconnectionsTotal),
        Volatile.Read(ref _activeSessions),
        Volatile.Read(ref _expiredTotal),
        Volatile.Read(ref _eventsTotal),
        Volatile.Read(ref _subscribers),
        redisConnected);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static void Add(Counter<long> counter, ref long total, long count)
    {
        if (count <= 0)
        {
            return;
        }
        counter.Add(count);
        Interlocked.Add(ref total, count);
    }
}
