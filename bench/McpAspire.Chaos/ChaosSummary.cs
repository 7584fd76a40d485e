using McpAspire.Chaos.Workload;

namespace McpAspire.Chaos;

/// <summary>Memory of one resource: first minute vs last minute, and the growth between them.</summary>
public sealed record MemoryFigure(string Resource, string How, double FirstMiB, double LastMiB)
{
    public double GrowthPercent => FirstMiB <= 0 ? 0 : Math.Round((LastMiB / FirstMiB - 1) * 100, 1);
}

/// <summary>The invariants of one soak, computed from what <see cref="Recorder"/> holds.</summary>
public sealed class ChaosSummary
{
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(5);

    public ChaosSummary(ChaosOptions options, Recorder recorder, MessageLedger ledger, double soakEnd)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(ledger);
        Options = options;
        Faults = recorder.Faults.OrderBy(f => f.Index).ToList();
        Requests = recorder.Requests.Where(r => !r.Kind.StartsWith("probe.", StringComparison.Ordinal) && r.Kind != "session.get.end").ToList();
        Errors = Requests.Where(r => r.Outcome != Outcome.Ok).ToList();
        var windows = Faults.Select(f => (Fault: f, Window: f.Window(s_grace, options.FaultWindow))).ToList();
        ErrorsByFault = windows.ToDictionary(w => w.Fault.Index, w => Errors.Count(e => Within(e, w.Window)));
        ErrorsOutsideWindows = Errors.Where(e => !windows.Any(w => Within(e, w.Window))).ToList();
        SessionLosses = recorder.SessionLosses.ToList();
        SessionLossesOutsideWindows = SessionLosses.Where(l => !windows.Any(w => l.T >= w.Window.From && l.T <= w.Window.To)).ToList();
        Ledger = ledger;
        Memory = MemoryFigures(recorder.Memory.ToList(), soakEnd).ToList();
    }

    public ChaosOptions Options { get; }

    public IReadOnlyList<FaultRecord> Faults { get; }

    public IReadOnlyList<RequestRecord> Requests { get; }

    public IReadOnlyList<RequestRecord> Errors { get; }

    public IReadOnlyDictionary<int, int> ErrorsByFault { get; }

    public IReadOnlyList<RequestRecord> ErrorsOutsideWindows { get; }

    public IReadOnlyList<SessionLoss> SessionLosses { get; }

    public IReadOnlyList<SessionLoss> SessionLossesOutsideWindows { get; }

    public MessageLedger Ledger { get; }

    public IReadOnlyList<MemoryFigure> Memory { get; }

    public int Hung => Requests.Count(r => r.Outcome == Outcome.Hung);

    public int Empty5xx => Requests.Count(r => r.Outcome == Outcome.Empty5xx);

    /// <summary>Faults that never recovered, or recovered later than <paramref name="limit"/>.</summary>
    public IReadOnlyList<FaultRecord> SlowRecoveries(TimeSpan limit) =>
        Faults.Where(f => f.RecoverySeconds is null || f.RecoverySeconds > limit.TotalSeconds).ToList();

    /// <summary>The problems that make this soak fail its goals (empty when it met them all).</summary>
    public IReadOnlyList<string> Violations(TimeSpan recoveryLimit, double memoryGrowthPercent)
    {
        var problems = new List<string>();
        if (Ledger.Lost > 0 || Ledger.Duplicated > 0 || Ledger.OutOfOrder > 0 || Ledger.Unexpected > 0)
        {
            problems.Add($"messages: {Ledger.Lost} lost, {Ledger.Duplicated} duplicated, {Ledger.OutOfOrder} out of order, {Ledger.Unexpected} unexpected");
        }
        if (Hung > 0)
        {
            problems.Add($"{Hung} hung requests: " + string.Join("; ", Requests.Where(r => r.Outcome == Outcome.Hung).Take(5).Select(r => $"{r.Kind} at {r.Start:F1}s")));
        }
        if (Empty5xx > 0)
        {
            problems.Add($"{Empty5xx} empty 5xx");
        }
        if (ErrorsOutsideWindows.Count > 0)
        {
            problems.Add($"{ErrorsOutsideWindows.Count} errors outside fault windows: " + string.Join("; ", ErrorsOutsideWindows.Take(5).Select(e => $"{e.Kind} at {e.Start:F1}s {e.Outcome} {e.Detail}")));
        }
        if (SessionLosses.Count > 0)
        {
            problems.Add($"{SessionLosses.Count} 2025 sessions lost");
        }
        foreach (var fault in SlowRecoveries(recoveryLimit))
        {
            problems.Add($"fault {fault.Index} {fault.Kind}: recovery {(fault.RecoverySeconds is { } s ? $"{s:F1} s" : "never")} ({fault.LastUnhealthy})");
        }
        // Like with like where there is a long-lived process (the last figure of a resource), else all processes.
        problems.AddRange(Memory.GroupBy(m => m.Resource).Select(g => g.Last()).Where(m => m.GrowthPercent > memoryGrowthPercent).Select(m => $"{m.Resource} memory +{m.GrowthPercent} % ({m.How})"));
        return problems;
    }

    private static bool Within(RequestRecord r, (double From, double To) window)
    {
        var at = r.Start + (r.LatencyMs / 1000);
        return at >= window.From && at <= window.To;
    }

    /// <summary>
    /// Per resource: all live processes' mean RSS in the first minute vs the last; and, like with like, the longest-lived
    /// process's minute after a 30 s warm-up vs its own last minute (when it lived at least 2.5 minutes).
    /// </summary>
    private static IEnumerable<MemoryFigure> MemoryFigures(List<MemorySample> samples, double end)
    {
        foreach (var resource in new[] { AppTopology.Gateway, AppTopology.ToolHost })
        {
            var mine = samples.Where(s => s.Resource == resource).ToList();
            var first = mine.Where(s => s.T < 60).Select(s => s.RssMiB).DefaultIfEmpty().Average();
            var last = mine.Where(s => s.T >= end - 60).Select(s => s.RssMiB).DefaultIfEmpty().Average();
            yield return new MemoryFigure(resource, "all processes, first vs last minute", Math.Round(first, 1), Math.Round(last, 1));
            var longest = mine.GroupBy(s => s.Pid).Select(g => g.OrderBy(s => s.T).ToList()).OrderByDescending(g => g[^1].T - g[0].T).FirstOrDefault();
            if (longest is not null && longest[^1].T - longest[0].T >= 150)
            {
                var born = longest[0].T;
                var died = longest[^1].T;
                yield return new MemoryFigure(resource, $"longest-lived process (pid {longest[0].Pid}, {born:F0}-{died:F0} s), minute after 30 s warm-up vs its last minute",
                    Math.Round(longest.Where(s => s.T >= born + 30 && s.T < born + 90).Average(s => s.RssMiB), 1),
                    Math.Round(longest.Where(s => s.T >= died - 60).Average(s => s.RssMiB), 1));
            }
        }
    }
}
