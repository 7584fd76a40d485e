using System.Collections.Concurrent;
using McpAspire.Gateway.Downstream;
using McpAspire.StateService.Client;

namespace McpAspire.Gateway.Sessions;

/// <summary>
/// Keeps the downstream client records of this replica's 2025-era sessions current: when a downstream's status or tool
/// count changes, one state service request (<c>POST /clients/batch-update</c>) updates its record in every session this
/// replica holds, instead of one request per session. Sessions are added when created or re-hydrated here and dropped
/// when deleted, or when the state service reports them gone (expired elsewhere).
/// </summary>
public sealed partial class LiveSessionClientRecords : IDisposable
{
    private readonly DownstreamManager _downstreams;
    private readonly StateServiceClient _state;
    private readonly string _principal;
    private readonly ILogger<LiveSessionClientRecords> _logger;
    private readonly ConcurrentDictionary<string, byte> _sessions = new(StringComparer.Ordinal);
    // Last published (status, tool count) per downstream; only differences are sent.
    private readonly ConcurrentDictionary<string, (string Status, int ToolCount)> _published = new(StringComparer.Ordinal);
    // Changes are applied one at a time, so a later state never lands before an earlier one.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Creates the tracker and listens to catalog and status changes.</summary>
    public LiveSessionClientRecords(DownstreamManager downstreams, StateServiceClient state, string principal, ILogger<LiveSessionClientRecords> logger)
    {
        _downstreams = downstreams;
        _state = state;
        _principal = principal;
        _logger = logger;
        foreach (var connection in downstreams.Connections)
        {
            _published[connection.Name] = Current(connection);
        }
        downstreams.CatalogChanged += OnCatalogChanged;
    }

    /// <summary>Sessions whose records this replica keeps current.</summary>
    public int Count => _sessions.Count;

    /// <summary>The value a record is stored with for this connection now.</summary>
    public static (string Status, int ToolCount) Current(DownstreamConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return (connection.Status.ToString().ToLowerInvariant(), connection.Catalog.Tools.Count);
    }

    /// <summary>Starts keeping the session's records current.</summary>
    public void Add(string sessionId) => _sessions.TryAdd(sessionId, 0);

    /// <summary>Stops (the session was deleted or expired).</summary>
    public void Remove(string sessionId) => _sessions.TryRemove(sessionId, out _);

    /// <summary>Sends what changed since the last call, one request per changed downstream; exposed for tests.</summary>
    public async Task PublishChangesAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var connection in _downstreams.Connections)
            {
                var now = Current(connection);
                if (_published.TryGetValue(connection.Name, out var before) && before == now)
                {
                    continue;
                }
                var sessions = _sessions.Keys.ToList();
                // The state service bounds one request; more sessions than that go in a few requests, not one each.
                foreach (var chunk in sessions.Chunk(ClientBatchLimits.MaxSessions))
                {
                    var result = await _state.UpdateMcpClientsAsync(_principal, new ClientBatchUpdateRequest(
                        connection.Name, [.. chunk], now.Status, now.ToolCount, connection.Status == DownstreamStatus.Connected ? connection.DownstreamSessionId : null), cancellationToken).ConfigureAwait(false);
                    foreach (var gone in result?.NotFound ?? [])
                    {
                        // Expired or deleted elsewhere: nothing to keep current any more.
                        _sessions.TryRemove(gone, out _);
                    }
                    LogUpdated(_logger, connection.Name, now.Status, now.ToolCount, result?.Updated ?? 0);
                }
                // Only once stored: after a failure the next change sends the then-current state again.
                _published[connection.Name] = now;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _downstreams.CatalogChanged -= OnCatalogChanged;
        _stopping.Cancel();
        _stopping.Dispose();
        _gate.Dispose();
    }

    private void OnCatalogChanged(Catalog.CatalogSnapshot previous, Catalog.CatalogSnapshot next)
    {
        if (_sessions.IsEmpty)
        {
            // Nothing to update; the next change compares against what records were created with.
            foreach (var connection in _downstreams.Connections)
            {
                _published[connection.Name] = Current(connection);
            }
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await PublishChangesAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is StateServiceException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
            {
                // Records are advisory; the next change publishes the then-current state again.
                LogUpdateFailed(_logger, ex.Message);
            }
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Downstream {Server} is {Status} with {ToolCount} tools: updated its record in {Updated} session(s)")]
    private static partial void LogUpdated(ILogger logger, string server, string status, int toolCount, int updated);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Could not update downstream client records in the state service: {Reason}")]
    private static partial void LogUpdateFailed(ILogger logger, string reason);
}
