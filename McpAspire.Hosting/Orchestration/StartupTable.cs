using System.Text;
using McpAspire.Hosting.Notifications;

namespace McpAspire.Hosting.Orchestration;

/// <summary>The table of resources printed once everything is healthy.</summary>
internal static class StartupTable
{
    public static string Render(IReadOnlyList<ResourceSnapshot> snapshots, TimeSpan elapsed)
    {
        var rows = snapshots.Select(s => (
            s.Name,
            s.Type,
            State: s.State.ToString(),
            Health: s.Health.ToString(),
            Replicas: s.Replicas.Count == 0 ? "-" : s.Replicas.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Urls: s.Endpoints.Count == 0 ? "-" : string.Join(" ", s.Endpoints.Select(e => e.Url)))).ToList();
        var headers = ("RESOURCE", "TYPE", "STATE", "HEALTH", "REPLICAS", "URL");
        int W(Func<(string, string, string, string, string, string), string> f) =>
            Math.Max(f(headers).Length, rows.Count == 0 ? 0 : rows.Max(r => f((r.Name, r.Type, r.State, r.Health, r.Replicas, r.Urls)).Length));
        var w1 = W(r => r.Item1);
        var w2 = W(r => r.Item2);
        var w3 = W(r => r.Item3);
        var w4 = W(r => r.Item4);
        var w5 = W(r => r.Item5);
        var sb = new StringBuilder();
        sb.AppendLine();
        var healthy = snapshots.Count(s => s.Health == HealthStatus.Healthy);
        if (healthy == snapshots.Count)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"All {snapshots.Count} resources healthy in {elapsed.TotalSeconds:0.0} s:").AppendLine();
        }
        else
        {
            var failed = string.Join(", ", snapshots.Where(s => s.Health != HealthStatus.Healthy).Select(s => s.Name));
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{healthy} of {snapshots.Count} resources healthy after {elapsed.TotalSeconds:0.0} s; not healthy: {failed} (see their output above):").AppendLine();
        }
        void Row(string a, string b, string c, string d, string e, string f) =>
            sb.Append("  ").Append(a.PadRight(w1)).Append("  ").Append(b.PadRight(w2)).Append("  ").Append(c.PadRight(w3)).Append("  ")
              .Append(d.PadRight(w4)).Append("  ").Append(e.PadRight(w5)).Append("  ").Append(f).AppendLine();
        Row(headers.Item1, headers.Item2, headers.Item3, headers.Item4, headers.Item5, headers.Item6);
        foreach (var r in rows)
        {
            Row(r.Name, r.Type, r.State, r.Health, r.Replicas, r.Urls);
        }
        foreach (var s in snapshots.Where(s => s.Error is not null))
        {
            sb.Append("  ").Append(s.Name).Append(": ").Append(s.Error).AppendLine();
        }
        sb.Append("Press Ctrl+C to stop.");
        return sb.ToString();
    }
}
