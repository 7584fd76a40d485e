using McpAspire.Gateway.Downstream;
using McpAspire.Mcp.Distributed.Hosting;
using McpAspire.Mcp.Sessions;
using McpAspire.StateService.Client;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.Sessions;

/// <summary>
/// Wraps the state service session store so that a new 2025-era session also records the MCP client state of every
/// connected downstream (REQUIREMENTS' RegisterMCPClient: endpoint, status, tool count, the downstream's own session
/// id, metadata) under the session, and (through <see cref="LiveSessionClientRecords"/>) keeps them current while the
/// session is held here; another replica reads them to know which downstream session this client was using. A failure to record is logged, never fatal: the
/// session itself is already stored.
/// </summary>
public sealed partial class DownstreamRegisteringSessionStore : IMcpSessionStore
{
    private readonly IMcpSessionStore _inner;
    private readonly StateServiceClient _state;
    private readonly DownstreamManager _downstreams;
    private readonly string _principal;
    private readonly ILogger<DownstreamRegisteringSessionStore> _logger;
    private readonly LiveSessionClientRecords? _live;

    /// <summary>Creates the decorator; with <paramref name="live"/>, the records of sessions held here are kept current.</summary>
    public DownstreamRegisteringSessionStore(IMcpSessionStore inner, StateServiceClient state, DownstreamManager downstreams, IOptions<StateServiceMcpStoreOptions> options, ILogger<DownstreamRegisteringSessionStore> logger, LiveSessionClientRecords? live = null)
    {
        _live = live;
        ArgumentNullException.ThrowIfNull(options);
        _inner = inner;
        _state = state;
        _downstreams = downstreams;
        _principal = options.Value.Principal;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask CreateAsync(McpSessionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await _inner.CreateAsync(record, cancellationToken).ConfigureAwait(false);
        var connected = _downstreams.Connections.Where(c => c.Status == DownstreamStatus.Connected).ToList();
        // One request per downstream, all in flight together: session creation waits one round trip, not N.
        var results = await Task.WhenAll(connected.Select(c => RegisterAsync(record.Id, c, cancellationToken))).ConfigureAwait(false);
        _live?.Add(record.Id);
        var failed = results.Count(ok => !ok);
        if (failed > 0)
        {
            LogRegistrationFailed(_logger, record.Id, failed);
        }
    }

    /// <inheritdoc />
    public async ValueTask<McpSessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        // Read when a session is re-hydrated on this replica: from now on it is held here too.
        var record = await _inner.GetAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            _live?.Add(sessionId);
        }
        return record;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TouchAsync(string sessionId, CancellationToken cancellationToken)
    {
        var alive = await _inner.TouchAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (!alive)
        {
            _live?.Remove(sessionId);
        }
        return alive;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        _live?.Remove(sessionId);
        return await _inner.DeleteAsync(sessionId, cancellationToken).ConfigureAwait(false);
    }

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
        catch (StateServiceException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Session {SessionId}: {Failed} downstream client record(s) could not be stored in the state service")]
    private static partial void LogRegistrationFailed(ILogger logger, string sessionId, int failed);
}
