using System.Collections.Concurrent;
using System.Diagnostics;

namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// Session growth: idle 2025-11-25 sessions (initialize + initialized, nothing after) created by 16 callers, each on
/// one of two replicas in turn, up to each point (cumulative): the replicas' RSS per session, Redis <c>used_memory</c>
/// per session (both over a baseline taken after 20 warm-up sessions), and the creation rate of the step.
/// </summary>
public static class SessionGrowth
{
    private const int Callers = 16;
    private const int WarmUp = 20;

    /// <summary>Creates the sessions; returns them (id, replica index) for the stream growth.</summary>
    public static async Task<IReadOnlyList<(string Id, int Replica)>> RunAsync(ScaleFigures figures, ReplicaPair pair, int[] points, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(pair);
        var sessions = new ConcurrentQueue<(string, int)>();
        await CreateAsync(pair, http, sessions, WarmUp, cancellationToken).ConfigureAwait(false);
        var baseRss = pair.GatewaysRssBytes();
        var baseRedis = await pair.RedisUsedMemoryAsync().ConfigureAwait(false);
        figures.Add("sessions", "gateways_rss_MiB", 0, baseRss / 1048576.0, "MiB");
        foreach (var n in points)
        {
            var step = n - (sessions.Count - WarmUp);
            var t = Stopwatch.GetTimestamp();
            await CreateAsync(pair, http, sessions, step, cancellationToken).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
            var rss = pair.GatewaysRssBytes();
            var redis = await pair.RedisUsedMemoryAsync().ConfigureAwait(false);
            figures.Add("sessions", "created_per_s", n, step / seconds, "sessions/s");
            figures.Add("sessions", "gateway_bytes_per_session", n, (rss - baseRss) / (double)n, "B");
            figures.Add("sessions", "redis_bytes_per_session", n, (redis - baseRedis) / (double)n, "B");
            figures.Add("sessions", "gateways_rss_MiB", n, rss / 1048576.0, "MiB");
            ScaleFigures.Note($"sessions_redis_keys_{n}", await pair.RedisKeysAsync().ConfigureAwait(false), "keys");
            ScaleFigures.Note($"sessions_load_average_{n}", MachineLoad.OneMinute(), "load");
            Console.Error.WriteLine($"sessions {n}: {step / seconds:F0}/s, gateways +{(rss - baseRss) / 1048576.0:F1} MiB, redis +{(redis - baseRedis) / 1048576.0:F1} MiB");
        }
        // Where a session's Redis bytes are: each of its keys (the shared index keys add an entry per session besides).
        var (sample, _) = sessions.Last();
        foreach (var (key, type, bytes) in await pair.SessionKeysAsync(sample).ConfigureAwait(false))
        {
            Console.Error.WriteLine($"redis key of a session: {key} ({type}) {bytes} B");
            var name = key.Replace("{sid}", "sid", StringComparison.Ordinal);
            ScaleFigures.Note($"sessions_redis_key_{name}", bytes, "B");
        }
        return [.. sessions];
    }

    private static async Task CreateAsync(ReplicaPair pair, HttpClient http, ConcurrentQueue<(string, int)> sessions, int count, CancellationToken cancellationToken)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
        {
            int k;
            while ((k = Interlocked.Increment(ref next)) < count)
            {
                var replica = k % pair.Gateways.Count;
                var id = await SessionRequests.InitializeAsync(http, pair.Gateways[replica].McpUri, cancellationToken).ConfigureAwait(false);
                sessions.Enqueue((id, replica));
            }
        })).ConfigureAwait(false);
    }
}
