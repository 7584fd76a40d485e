using McpAspire.Gateway.Downstream;
using McpAspire.SessionSharing;
using McpAspire.StateService.Client;

namespace McpAspire.Gateway.Sessions;

/// <summary>
/// Told by the shared sessions (<see cref="ISharedSessionObserver"/>), a new 2025-era session also records the MCP client
/// state of every connected downstream (REQUIREMENTS' RegisterMCPClient: endpoint, status, tool count, the downstream's own session
/// id, metadata) under the session, and (through <see cref="LiveSessionClientRecords"/>) keeps them current while the
/// session is held here (created or migrated here, until this replica's copy ends); another replica reads them to know
/// which downstream session this client was using. A failure to record is logged, never fatal: the session itself is
/// already stored.
/// </summary>
public sealed partial class DownstreamClientRecorder : ISharedSessionObserver
{
    private readonly StateServiceClient _state;
    private readonly DownstreamManager _downstreams;
    private readonly string _principal;
    private readonly ILogger<DownstreamClientRecorder> _logger;
    private readonly LiveSessionClientRecords _live;

    /// <summary>Creates the recorder; <paramref name="live"/> keeps the records of sessions held here current.</summary>
    public DownstreamClientRecorder(StateServiceClient state, string principal, DownstreamManager downstreams, LiveSessionClientRecords live, ILogger<DownstreamClientRecorder> logger)
    {
        _state = state;
        _principal = principal;
        _downstreams = downstreams;
        _live = live;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask SessionCreatedAsync(string sessionId, CancellationToken cancellationToken)
    {
        var connected = _downstreams.Connections.Where(c => c.Status == DownstreamStatus.Connected).ToList();
        // One request per downstream, all in flight together: session creation waits one round trip, not N.
        var results = await Task.WhenAll(connected.Select(c => RegisterAsync(sessionId, c, cancellationToken))).ConfigureAwait(false);
        var failed = results.Count(ok => !ok);
        if (failed > 0)
        {
            LogRegistrationFailed(_logger, sessionId, failed);
        }
    }

    /// <inheritdoc />
    public void SessionHeld(string sessionId) => _live.Add(sessionId);

    /// <inheritdoc />
    public void SessionReleased(string sessionId) => _live.Remove(sessionId);

    private async Task<bool> RegisterAsync(string sessionId, DownstreamConnection connection, CancellationToken cancellationToken)
    {
        var o = connection.Options;
        var endpoint = o.Url ?? ("stdio:" + string.Join(' ', [o.Command!, .. o.Args]));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["transport"] = o.EffectiveTransport.ToString().ToLowerInvariant(),
        };
        if (connection.ServerInfo is { } info)
        {
            metadata["serverName"] = info.Name;
            metadata["serverVersion"] = info.Version;
        }
        try
        {
            var registered = await _state.RegisterMcpClientAsync(_principal, sessionId, connection.Name, new RegisterClientRequest(
                endpoint.Length <= 2048 ? endpoint : endpoint[..2048],
                connection.Status.ToString().ToLowerInvariant(),
                connection.Catalog.Tools.Count,
                connection.DownstreamSessionId,
                metadata), cancellationToken).ConfigureAwait(false);
            return registered is not null;
        }
        catch (Exception ex) when (ex is StateServiceException or HttpRequestException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Session {SessionId}: {Failed} downstream client record(s) could not be stored in the state service")]
    private static partial void LogRegistrationFailed(ILogger logger, string sessionId, int failed);
}
