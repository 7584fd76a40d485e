using System.Diagnostics;
using System.Globalization;

namespace McpAspire.Chaos;

/// <summary>One planned fault: what, and when (seconds into the soak).</summary>
public sealed record PlannedFault(double At, FaultKind Kind);

/// <summary>
/// The seeded fault schedule and its execution: a random gateway replica killed every interval; each one-off fault
/// once, at a slot half-way between two gateway kills, in a seeded order. After each fault it measures recovery with
/// <see cref="HealthProbe"/>.
/// </summary>
public sealed class FaultInjector
{
    private readonly ChaosOptions _options;
    private readonly int _appHostPid;
    private readonly Recorder _recorder;
    private readonly HealthProbe _health;
    private readonly ServersFile _servers;
    private readonly Random _random;

    public FaultInjector(ChaosOptions options, int appHostPid, Recorder recorder, HealthProbe health, ServersFile servers)
    {
        _options = options;
        _appHostPid = appHostPid;
        _recorder = recorder;
        _health = health;
        _servers = servers;
        _random = new Random(options.Seed);
    }

    /// <summary>The schedule for <paramref name="options"/> (deterministic for a seed).</summary>
    public static IReadOnlyList<PlannedFault> Plan(ChaosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(options.Seed);
        var interval = options.GatewayKillInterval.TotalSeconds;
        var end = options.Duration.TotalSeconds;
        var plan = new List<PlannedFault>();
        for (var t = interval; t <= end - 8; t += interval)
        {
            plan.Add(new PlannedFault(t, FaultKind.KillGatewayReplica));
        }
        var slots = new List<double>();
        for (var t = interval / 2; t <= end - 15; t += interval)
        {
            if (t >= 10)
            {
                slots.Add(t);
            }
        }
        var chosen = slots.OrderBy(_ => random.Next()).Take(options.OneOffFaults.Count).Order().ToList();
        var order = options.OneOffFaults.OrderBy(_ => random.Next()).ToList();
        plan.AddRange(chosen.Select((t, i) => new PlannedFault(t, order[i])));
        return plan.OrderBy(f => f.At).ToList();
    }

    /// <summary>Runs the plan; returns when the last fault has recovered (or was given up on).</summary>
    public async Task RunAsync(IReadOnlyList<PlannedFault> plan, CancellationToken cancellationToken)
    {
        var index = 0;
        foreach (var fault in plan)
        {
            var wait = fault.At - _recorder.Now;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false);
            }
            var record = await InjectAsync(++index, fault.Kind, cancellationToken).ConfigureAwait(false);
            _recorder.Faults.Enqueue(record);
            await MeasureRecoveryAsync(record, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<FaultRecord> InjectAsync(int index, FaultKind kind, CancellationToken cancellationToken)
    {
        var processes = AppTopology.Find(_appHostPid);
        var start = _recorder.Now;
        string target;
        switch (kind)
        {
            case FaultKind.KillGatewayReplica:
                var replicas = processes.Where(p => p.Resource == AppTopology.Gateway).ToList();
                var victim = replicas[_random.Next(replicas.Count)];
                target = Signal("KILL", victim);
                break;
            case FaultKind.KillToolHost:
                target = Signal("KILL", processes.First(p => p.Resource == AppTopology.ToolHost));
                break;
            case FaultKind.KillStateService:
                target = Signal("KILL", processes.First(p => p.Resource == AppTopology.StateService));
                break;
            case FaultKind.RestartRedis:
                target = Signal("KILL", processes.First(p => p.Resource == AppTopology.Redis));
                break;
            case FaultKind.StopStateService:
                var state = processes.First(p => p.Resource == AppTopology.StateService);
                target = Signal("STOP", state);
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                Signal("CONT", state);
                break;
            case FaultKind.ReplaceStdioServer:
                var peers = processes.Where(p => p.Resource == AppTopology.Peer).ToList();
                target = string.Join(", ", peers.Select(p => Signal("KILL", p)));
                _servers.Write(withPeer: false);
                _recorder.Note("servers file: chaospeer removed");
                await WaitForPeerGoneAsync(cancellationToken).ConfigureAwait(false);
                _servers.Write(withPeer: true);
                _recorder.Note("servers file: chaospeer added back");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        var record = new FaultRecord(index, kind, start, _recorder.Now, target);
        _recorder.Note($"fault {index}: {kind} on {target}");
        return record;
    }

    private async Task WaitForPeerGoneAsync(CancellationToken cancellationToken)
    {
        // Gone means: every replica stopped it (no longer in /stats) and no peer process is left.
        var deadline = _recorder.Now + 15;
        while (_recorder.Now < deadline
            && (AppTopology.Find(_appHostPid).Any(p => p.Resource == AppTopology.Peer) || !await _health.NoReplicaListsAsync(StdioPeer.ServerName).ConfigureAwait(false)))
        {
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MeasureRecoveryAsync(FaultRecord record, CancellationToken cancellationToken)
    {
        var deadline = record.End + 60;
        IReadOnlyList<string> unhealthy = [];
        var seenUnhealthy = new HashSet<string>(StringComparer.Ordinal);
        while (_recorder.Now < deadline)
        {
            unhealthy = await _health.UnhealthyAsync().ConfigureAwait(false);
            var now = _recorder.Now - record.End;
            foreach (var label in seenUnhealthy.Where(l => !unhealthy.Contains(l)).ToList())
            {
                record.Milestones.TryAdd(label, Math.Round(now, 2));
            }
            seenUnhealthy.UnionWith(unhealthy);
            if (unhealthy.Count == 0)
            {
                record.RecoverySeconds = Math.Round(Math.Max(now, 0), 2);
                _recorder.Note($"fault {record.Index}: recovered in {record.RecoverySeconds:F1} s ({string.Join(", ", record.Milestones.Select(m => $"{m.Key} {m.Value:F1}"))})");
                return;
            }
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
        record.LastUnhealthy = string.Join(", ", unhealthy);
        _recorder.Note($"fault {record.Index}: NOT recovered within 60 s: {record.LastUnhealthy}");
    }

    private static string Signal(string signal, ServiceProcess process)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Pid.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        return $"{process.Resource} pid {process.Pid}";
    }
}
