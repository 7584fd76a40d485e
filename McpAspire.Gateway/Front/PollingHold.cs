using System.Collections.Concurrent;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Front;

/// <summary>
/// SEP-1699 polling passed on to a 2025 caller in the order a client can rely on. When a downstream ends a tool call's
/// stream, the gateway ends its caller's POST stream too (<c>EnablePollingAsync</c>); the SDK ends that response
/// asynchronously, so a result that follows at once could still go out on it, and a client that resumes at once (the
/// conformance suite's does, ignoring <c>retry</c>) could find the event store without the result, stored just after.
/// So the result waits until the POST transport let go of the response, and the end of the HTTP response waits (at
/// most <see cref="MaxHold"/>) until the result is in the event store.
/// </summary>
internal sealed class PollingHold
{
    /// <summary>Longest the end of a polled POST response waits for the call's result.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(2);

    private static readonly ConcurrentDictionary<(string Session, RequestId Id), PollingHold> s_open = new();
    private static readonly object s_itemKey = new();

    private readonly TaskCompletionSource _detached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly (string Session, RequestId Id) _key;

    private PollingHold((string Session, RequestId Id) key) => _key = key;

    /// <summary>Opens a hold for a request of a session, attached to its POST's <see cref="HttpContext"/>.</summary>
    public static PollingHold Open(HttpContext http, string session, RequestId id)
    {
        var hold = new PollingHold((session, id));
        s_open[(session, id)] = hold;
        http.Items[s_itemKey] = hold;
        return hold;
    }

    /// <summary>Waits (bounded) until the SDK's endpoint returned, so the result goes to the event store, not the ended stream.</summary>
    public async Task WaitDetachedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _detached.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The response is gone some other way (the client left); the result goes wherever the SDK sends it.
        }
    }

    /// <summary>Middleware: after the endpoint, releases the result and keeps the response open until it is stored.</summary>
    public static async Task HoldResponseAsync(HttpContext http, Func<Task> next)
    {
        await next().ConfigureAwait(false);
        if (http.Items.TryGetValue(s_itemKey, out var item) && item is PollingHold hold)
        {
            hold._detached.TrySetResult();
            try
            {
                await hold._stored.Task.WaitAsync(MaxHold, http.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // The result takes longer: the client resumes and gets it from the event store when it comes.
            }
            finally
            {
                s_open.TryRemove(KeyValuePair.Create(hold._key, hold));
            }
        }
    }

    /// <summary>Outgoing message filter: once the result of a held request has been written (to the event store), ends the response.</summary>
    public static void Sent(string? session, JsonRpcMessage message)
    {
        if (session is not null && message is JsonRpcMessageWithId { Id: var id } and (JsonRpcResponse or JsonRpcError)
            && s_open.TryRemove((session, id), out var hold))
        {
            hold._stored.TrySetResult();
        }
    }
}
