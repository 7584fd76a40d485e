using System.Text;
using McpAspire.Dashboard.Storage;

namespace McpAspire.Dashboard.Api;

/// <summary>
/// <c>GET /api/telemetry/watch</c>: server-sent events telling a live page which signals changed
/// (<c>event: changed</c>, data <c>{"traces":true,...}</c>), at most a few times a second, so pages re-query
/// what they show instead of receiving every span.
/// </summary>
internal static class TelemetryWatch
{
    private static readonly TimeSpan s_minInterval = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan s_keepAlive = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(HttpContext context, TelemetryChangeFeed feed, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        // Ends with the page or with the dashboard, so a shutdown is not held up by open streams.
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var token = streaming.Token;
        var last = new long[3];
        for (var i = 0; i < 3; i++)
        {
            last[i] = feed.Version((TelemetrySignal)i);
        }
        try
        {
            await response.WriteAsync(": watching\n\n", token).ConfigureAwait(false);
            await response.Body.FlushAsync(token).ConfigureAwait(false);
            while (!token.IsCancellationRequested)
            {
                var next = feed.NextChange;
                var changed = new bool[3];
                var any = false;
                for (var i = 0; i < 3; i++)
                {
                    var v = feed.Version((TelemetrySignal)i);
                    changed[i] = v != last[i];
                    any |= changed[i];
                    last[i] = v;
                }
                if (any)
                {
                    var data = new StringBuilder("{\"traces\":").Append(changed[0] ? "true" : "false")
                        .Append(",\"logs\":").Append(changed[1] ? "true" : "false")
                        .Append(",\"metrics\":").Append(changed[2] ? "true" : "false").Append('}');
                    await response.WriteAsync($"event: changed\ndata: {data}\n\n", token).ConfigureAwait(false);
                    await response.Body.FlushAsync(token).ConfigureAwait(false);
                    // Throttle: a burst of exports becomes one notification per interval.
                    await Task.Delay(s_minInterval, time, token).ConfigureAwait(false);
                    continue;
                }
                using var delay = CancellationTokenSource.CreateLinkedTokenSource(token);
                var keepAlive = Task.Delay(s_keepAlive, time, delay.Token);
                var winner = await Task.WhenAny(next, keepAlive).ConfigureAwait(false);
                await delay.CancelAsync().ConfigureAwait(false);
                if (winner == keepAlive)
                {
                    await response.WriteAsync(": keep-alive\n\n", token).ConfigureAwait(false);
                    await response.Body.FlushAsync(token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The page went away.
        }
    }
}
