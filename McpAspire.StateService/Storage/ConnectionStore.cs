using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using McpAspire.StateService.Client;
using McpAspire.StateService.Options;
using Microsoft.Extensions.Options;

namespace McpAspire.StateService.Storage;

/// <summary>The two owners of connection state (REQUIREMENTS layout): signed-in users and anonymous session keys.</summary>
public static class ConnectionScopes
{
    public const string User = "user";
    public const string Session = "session";

    /// <summary>True for a known scope.</summary>
    public static bool IsValid(string scope) => scope is User or Session;
}

/// <summary>
/// Per-user / per-anonymous-session connection state in the REQUIREMENTS layout:
/// <c>mcp:user:{id}:connections</c> (set of server names) and <c>mcp:user:{id}:server:{name}:status|tools|connected_at</c>,
/// the same under <c>mcp:session:{key}:…</c>; every key expires by TTL.
/// </summary>
public sealed class ConnectionStore
{
    private readonly IConnectionMultiplexer _redis;
    private readonly StateKeys _keys;
    private readonly StateOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    public ConnectionStore(IConnectionMultiplexer redis, StateKeys keys, IOptions<StateOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = keys;
        _options = options.Value;
        _time = time;
    }

    private long TtlMs => (long)_options.ConnectionStateTtl.TotalMilliseconds;

    /// <summary>Records a connected server (status, tools JSON, connected-at).</summary>
    public async Task<ServerConnectionState> PutAsync(string scope, string owner, string server, PutServerConnectionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var connectedAt = request.ConnectedAt ?? _time.GetUtcNow();
        await _redis.GetDatabase().ScriptEvaluateAsync(StateScripts.PutConnection, [_keys.Connections(scope, owner)],
            [_keys.ServerPrefix(scope, owner), server, request.Status, request.Tools?.GetRawText() ?? "", connectedAt.ToUnixTimeMilliseconds(), TtlMs]).ConfigureAwait(false);
        return new ServerConnectionState(server, request.Status, request.Tools, DateTimeOffset.FromUnixTimeMilliseconds(connectedAt.ToUnixTimeMilliseconds()));
    }

    /// <summary>Updates a server's status; false when the server is not connected.</summary>
    public async Task<bool> SetStatusAsync(string scope, string owner, string server, string status, CancellationToken cancellationToken) =>
        (long)await _redis.GetDatabase().ScriptEvaluateAsync(StateScripts.SetConnectionStatus, [_keys.Connections(scope, owner)],
            [_keys.ServerPrefix(scope, owner), server, status, TtlMs]).ConfigureAwait(false) == 1;

    /// <summary>Every connected server of the owner (one round trip), ordered by name; or just <paramref name="server"/>.</summary>
    public async Task<List<ServerConnectionState>> GetAsync(string scope, string owner, string? server, CancellationToken cancellationToken)
    {
        var flat = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(StateScripts.GetConnections, [_keys.Connections(scope, owner)],
            [_keys.ServerPrefix(scope, owner), server ?? ""]).ConfigureAwait(false))!;
        var list = new List<ServerConnectionState>(flat.Length / 4);
        for (var i = 0; i + 3 < flat.Length; i += 4)
        {
            var tools = (string)flat[i + 2]!;
            var connectedAt = (string)flat[i + 3]!;
            JsonElement? toolsJson = null;
            if (!string.IsNullOrEmpty(tools))
            {
                using var doc = JsonDocument.Parse(tools);
                toolsJson = doc.RootElement.Clone();
            }
            list.Add(new ServerConnectionState(
                (string)flat[i]!,
                (string)flat[i + 1]!,
                toolsJson,
                long.TryParse(connectedAt, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null));
        }
        list.Sort(static (a, b) => string.CompareOrdinal(a.Server, b.Server));
        return list;
    }

    /// <summary>Disconnects one server, or all of them when <paramref name="server"/> is null; returns how many.</summary>
    public async Task<long> DeleteAsync(string scope, string owner, string? server, CancellationToken cancellationToken) =>
        (long)await _redis.GetDatabase().ScriptEvaluateAsync(StateScripts.DeleteConnections, [_keys.Connections(scope, owner)],
            [_keys.ServerPrefix(scope, owner), server ?? ""]).ConfigureAwait(false);
}
