using System.Globalization;
using System.Text.Json;

namespace McpAspire.Chaos;

/// <summary>
/// Every 2 s: the resident memory of every gateway replica and the tool host, and the tool host's live 2025-era
/// sessions (its <c>/health</c> <c>mcp</c> check; recorded as resource <c>toolhost-sessions</c>, the count in place of MiB).
/// </summary>
public static class MemorySampler
{
    public const string ToolHostSessions = "toolhost-sessions";

    public static async Task RunAsync(int appHostPid, Recorder recorder, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        try
        {
            do
            {
                foreach (var process in AppTopology.Find(appHostPid).Where(p => p.Resource is AppTopology.Gateway or AppTopology.ToolHost))
                {
                    if (AppTopology.RssMiB(process.Pid) is { } rss)
                    {
                        recorder.Memory.Enqueue(new MemorySample(recorder.Now, process.Resource, process.Pid, rss));
                    }
                    if (process.Resource == AppTopology.ToolHost && process.Url is not null && await LiveSessionsAsync(http, process.Url).ConfigureAwait(false) is { } live)
                    {
                        recorder.Memory.Enqueue(new MemorySample(recorder.Now, ToolHostSessions, process.Pid, live));
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<int?> LiveSessionsAsync(HttpClient http, Uri toolHost)
    {
        try
        {
            using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri(toolHost, "/health")).ConfigureAwait(false));
            return health.RootElement.GetProperty("checks").GetProperty("mcp").GetProperty("data").GetProperty("liveSessions").GetString() is { } text
                ? int.Parse(text, CultureInfo.InvariantCulture) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
