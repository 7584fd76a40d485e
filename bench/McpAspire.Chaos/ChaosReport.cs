using System.Text.Json.Nodes;

namespace McpAspire.Chaos;

/// <summary>The soak's JSON lines: figures first (bench format: scenario, metric, value, unit), then faults, request kinds, per-second buckets.</summary>
public static class ChaosReport
{
    public static IEnumerable<JsonObject> Lines(ChaosSummary summary, Recorder recorder)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(recorder);
        var ledger = summary.Ledger;
        yield return new JsonObject
        {
            ["scenario"] = "chaos", ["metric"] = "run", ["seed"] = summary.Options.Seed, ["duration_s"] = summary.Options.Duration.TotalSeconds,
            ["faults"] = summary.Faults.Count, ["session_clients"] = summary.Options.SessionClients,
            ["stateless_clients"] = summary.Options.StatelessClients, ["agent_pairs"] = summary.Options.AgentPairs,
            ["cores"] = Environment.ProcessorCount, ["load_avg_1m_start_end"] = new JsonArray(recorder.LoadAverages.Select(l => (JsonNode)l).ToArray()),
        };
        yield return Figure("messages_sent", ledger.SentCount, "count");
        yield return Figure("messages_received", ledger.ReceivedCount, "count");
        yield return Figure("messages_lost", ledger.Lost, "count");
        yield return Figure("messages_duplicated", ledger.Duplicated, "count");
        yield return Figure("messages_out_of_order", ledger.OutOfOrder, "count");
        yield return Figure("messages_recovered_by_replay", ledger.ViaReplay, "count");
        yield return Figure("requests", summary.Requests.Count, "count");
        yield return Figure("requests_hung", summary.Hung, "count");
        yield return Figure("errors", summary.Errors.Count, "count");
        yield return Figure("errors_outside_fault_windows", summary.ErrorsOutsideWindows.Count, "count");
        yield return Figure("empty_5xx", summary.Empty5xx, "count");
        yield return Figure("sessions_lost", summary.SessionLosses.Count, "count");
        yield return Figure("recovery_max", summary.Faults.Select(f => f.RecoverySeconds ?? 60).DefaultIfEmpty(0).Max(), "s");
        foreach (var memory in summary.Memory)
        {
            yield return new JsonObject
            {
                ["scenario"] = "chaos", ["metric"] = "memory_growth", ["resource"] = memory.Resource, ["value"] = memory.GrowthPercent, ["unit"] = "%",
                ["first_mib"] = memory.FirstMiB, ["last_mib"] = memory.LastMiB, ["how"] = memory.How,
            };
        }
        var sessions = recorder.Memory.Where(m => m.Resource == MemorySampler.ToolHostSessions).ToList();
        if (sessions.Count > 0)
        {
            yield return new JsonObject
            {
                ["scenario"] = "chaos", ["metric"] = "toolhost_live_sessions", ["first"] = sessions[0].RssMiB, ["last"] = sessions[^1].RssMiB,
                ["max"] = sessions.Max(s => s.RssMiB), ["unit"] = "count",
            };
        }
        foreach (var fault in summary.Faults)
        {
            var milestones = new JsonObject();
            foreach (var (label, seconds) in fault.Milestones)
            {
                milestones[label] = seconds;
            }
            yield return new JsonObject
            {
                ["scenario"] = "chaos", ["metric"] = "fault", ["index"] = fault.Index, ["kind"] = fault.Kind.ToString(), ["target"] = fault.Target,
                ["at_s"] = Math.Round(fault.Start, 2), ["ended_s"] = Math.Round(fault.End, 2), ["recovery_s"] = fault.RecoverySeconds,
                ["errors_in_window"] = summary.ErrorsByFault.GetValueOrDefault(fault.Index), ["back_after_s"] = milestones,
                ["still_unhealthy"] = fault.LastUnhealthy,
            };
        }
        foreach (var kind in summary.Requests.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var outcomes = new JsonObject();
            foreach (var outcome in kind.GroupBy(r => r.Outcome).OrderBy(g => g.Key))
            {
                outcomes[outcome.Key.ToString()] = outcome.Count();
            }
            var latencies = kind.Where(r => r.Outcome == Outcome.Ok).Select(r => r.LatencyMs).Order().ToList();
            yield return new JsonObject
            {
                ["scenario"] = "chaos", ["metric"] = "requests", ["kind"] = kind.Key, ["count"] = kind.Count(), ["outcomes"] = outcomes,
                ["p50_ms"] = Percentile(latencies, 0.5), ["p99_ms"] = Percentile(latencies, 0.99),
            };
        }
        foreach (var error in summary.ErrorsOutsideWindows.Concat(summary.Requests.Where(r => r.Outcome is Outcome.Hung or Outcome.Empty5xx)).Distinct().Take(50))
        {
            yield return new JsonObject
            {
                ["scenario"] = "chaos", ["metric"] = "notable_error", ["kind"] = error.Kind, ["at_s"] = Math.Round(error.Start, 2), ["outcome"] = error.Outcome.ToString(),
                ["status"] = error.Status, ["code"] = error.RpcCode, ["latency_ms"] = Math.Round(error.LatencyMs), ["detail"] = error.Detail,
            };
        }
        foreach (var loss in summary.SessionLosses)
        {
            yield return new JsonObject { ["scenario"] = "chaos", ["metric"] = "session_lost", ["at_s"] = Math.Round(loss.T, 2), ["client"] = loss.Client };
        }
        foreach (var second in Buckets(summary.Requests))
        {
            yield return new JsonObject { ["scenario"] = "chaos", ["metric"] = "second", ["t"] = second.T, ["ok"] = second.Ok, ["errors"] = second.Errors };
        }
    }

    /// <summary>Requests answered per second (by end time): ok and errors; seconds in which nothing was answered count as 0.</summary>
    public static IEnumerable<(int T, int Ok, int Errors)> Buckets(IEnumerable<RequestRecord> requests)
    {
        var bySecond = requests.GroupBy(r => (int)(r.Start + (r.LatencyMs / 1000))).ToDictionary(g => g.Key, g => g.ToList());
        if (bySecond.Count == 0)
        {
            yield break;
        }
        for (var t = 0; t <= bySecond.Keys.Max(); t++)
        {
            var answered = bySecond.GetValueOrDefault(t) ?? [];
            yield return (t, answered.Count(r => r.Outcome == Outcome.Ok), answered.Count(r => r.Outcome != Outcome.Ok));
        }
    }

    private static JsonObject Figure(string metric, double value, string unit) =>
        new() { ["scenario"] = "chaos", ["metric"] = metric, ["value"] = value, ["unit"] = unit };

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))], 1);
}
