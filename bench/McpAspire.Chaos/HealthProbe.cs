using System.Text.Json;
using System.Text.Json.Nodes;
using McpAspire.TestSupport;

namespace McpAspire.Chaos;

/// <summary>
/// "Everything is back": every resource has its processes (two gateway replicas, one of each other service, a stdio
/// peer per replica), none stopped, each service's <c>/health</c> answers 200, every replica's <c>/stats</c> shows
/// every downstream connected, and probe calls through the front answer in both eras. Each look names what is not.
/// </summary>
public sealed class HealthProbe : IDisposable
{
    private readonly int _appHostPid;
    private readonly McpCall _probe;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly bool _expectPeer;
    private string? _probeSession;

    public HealthProbe(int appHostPid, McpCall probe, bool expectPeer)
    {
        _appHostPid = appHostPid;
        _probe = probe;
        _expectPeer = expectPeer;
    }

    /// <summary>What is not healthy now, as short labels ("toolhost:process", "gateway:stats:toolhost", "probe:2026", …); empty when all is.</summary>
    public async Task<IReadOnlyList<string>> UnhealthyAsync()
    {
        var problems = new List<string>();
        var processes = AppTopology.Find(_appHostPid);
        foreach (var (resource, count) in new[] { (AppTopology.Gateway, 2), (AppTopology.ToolHost, 1), (AppTopology.StateService, 1), (AppTopology.Redis, 1) })
        {
            var live = processes.Where(p => p.Resource == resource).ToList();
            if (live.Count < count || live.Any(p => AppTopology.IsStopped(p.Pid)))
            {
                problems.Add(resource + ":process");
            }
        }
        if (_expectPeer && processes.Count(p => p.Resource == AppTopology.Peer) < 2)
        {
            problems.Add("chaospeer:process");
        }
        var checks = processes.Where(p => p.Url is not null).Select(async p =>
        {
            if (!await OkAsync(new Uri(p.Url!, "/health")).ConfigureAwait(false))
            {
                return new[] { p.Resource + ":health" };
            }
            return p.Resource == AppTopology.Gateway ? await DownstreamsAsync(p.Url!).ConfigureAwait(false) : [];
        });
        foreach (var found in await Task.WhenAll(checks).ConfigureAwait(false))
        {
            problems.AddRange(found);
        }
        if (problems.Count == 0)
        {
            problems.AddRange(await ProbeCallsAsync().ConfigureAwait(false));
        }
        return problems.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>True when no gateway replica's <c>/stats</c> lists <paramref name="server"/> any more (it was stopped).</summary>
    public async Task<bool> NoReplicaListsAsync(string server)
    {
        foreach (var replica in AppTopology.Find(_appHostPid).Where(p => p.Resource == AppTopology.Gateway && p.Url is not null))
        {
            try
            {
                var stats = await _http.GetStringAsync(new Uri(replica.Url!, "/stats")).ConfigureAwait(false);
                if (stats.Contains($"\"name\":\"{server}\"", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }
        return true;
    }

    private async Task<IEnumerable<string>> DownstreamsAsync(Uri replica)
    {
        try
        {
            using var stats = JsonDocument.Parse(await _http.GetStringAsync(new Uri(replica, "/stats")).ConfigureAwait(false));
            var servers = stats.RootElement.GetProperty("servers").EnumerateArray()
                .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("status").GetString(), StringComparer.Ordinal);
            var expected = _expectPeer ? new[] { AppTopology.ToolHost, StdioPeer.ServerName } : [AppTopology.ToolHost];
            return expected.Where(name => !servers.TryGetValue(name, out var status) || status != "connected").Select(name => "gateway:stats:" + name);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return ["gateway:stats"];
        }
    }

    private async Task<IEnumerable<string>> ProbeCallsAsync()
    {
        var problems = new List<string>();
        var stateless = await _probe.CallToolStatelessAsync("probe.2026", "echo", new JsonObject { ["message"] = "probe" }, CancellationToken.None).ConfigureAwait(false);
        if (!stateless.Ok)
        {
            problems.Add("probe:2026");
        }
        if (_probeSession is null)
        {
            var init = await _probe.InitializeSessionAsync("probe.init", CancellationToken.None).ConfigureAwait(false);
            _probeSession = init.Ok ? init.SessionId : null;
        }
        var session = _probeSession is null ? null
            : await _probe.CallToolInSessionAsync("probe.2025", _probeSession, "echo", new JsonObject { ["message"] = "probe" }, CancellationToken.None).ConfigureAwait(false);
        if (session is not { Ok: true })
        {
            problems.Add("probe:2025");
            if (session is { SessionGone: true })
            {
                _probeSession = null;
            }
        }
        return problems;
    }

    private async Task<bool> OkAsync(Uri uri)
    {
        try
        {
            using var response = await _http.GetAsync(uri).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();
}
