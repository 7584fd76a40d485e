using System.Text;
using McpAspire.StateService.Changes;

namespace McpAspire.StateService.Api;

/// <summary>
/// <c>GET /events</c>: a server-sent-event stream of changes (<c>event: change</c>, JSON data), optionally for one
/// session. Comments every 15 s keep proxies from closing an idle stream. Backed by Redis pub/sub, so a change made
/// through any state service replica reaches subscribers of every replica.
/// </summary>
public static class ChangeStreamEndpoints
{
    private static readonly TimeSpan s_heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>Maps the endpoint.</summary>
    public static RouteHandlerBuilder MapChangeStream(this IEndpointRouteBuilder routes)
    {
        var endpoint = routes.MapGet("/events", StreamAsync).WithTags("Events").WithName("StreamChanges");
        endpoint.DisableRequestTimeout();
        return endpoint;
    }

    private static async Task StreamAsync(HttpContext http, string? session, ChangeBroadcaster broadcaster)
    {
        if (session is not null && ApiValidation.SessionId(session) is { } error)
        {
            await ApiResults.BadRequest(error).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }
        var ct = http.RequestAborted;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        using var subscription = broadcaster.Subscribe(session);
        // Tell the caller it is subscribed: changes after this point will arrive.
        await http.Response.WriteAsync(": subscribed\n\n", ct).ConfigureAwait(false);
        await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);

        var reader = subscription.Queue.Reader;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(s_heartbeat);
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
                    await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                    continue;
                }
                if (!more)
                {
                    break;
                }
                var sb = new StringBuilder();
                while (reader.TryRead(out var json))
                {
                    sb.Append("event: change\ndata: ").Append(json).Append("\n\n");
                }
                await http.Response.WriteAsync(sb.ToString(), ct).ConfigureAwait(false);
                await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (ChangeOverflowException ex)
        {
            await http.Response.WriteAsync($"event: overflow\ndata: {{\"detail\":\"{ex.Message}\"}}\n\n", CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The subscriber went away.
        }
    }
}
