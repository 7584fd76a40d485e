using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Conformance;

/// <summary>
/// SEP-1699 polling done in the order a client can rely on: after <c>EnablePollingAsync</c> the SDK ends the POST
/// response asynchronously, so a result sent right away may still go out on that stream, and a client that resumes
/// at once (the conformance suite's does, ignoring <c>retry</c>) may find the event store empty because the result is
/// stored just after. The gate holds the result until the POST transport let go of the response, and holds the end
/// of the HTTP response until the result is in the event store.
/// </summary>
internal sealed class PollingGate
{
    private static readonly ConcurrentDictionary<(string Session, RequestId Id), PollingGate> s_open = new();
    private static readonly object s_itemKey = new();

    private readonly TaskCompletionSource _detached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Opens a gate for a request of a session, attached to the POST's <see cref="HttpContext"/>.</summary>
    public static PollingGate Open(HttpContext http, string session, RequestId id)
    {
        var gate = new PollingGate();
        s_open[(session, id)] = gate;
        http.Items[s_itemKey] = gate;
        return gate;
    }

    /// <summary>Waits until the SDK's endpoint returned (its POST transport no longer writes to the response).</summary>
    public Task WaitDetachedAsync(CancellationToken cancellationToken) => _detached.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);

    /// <summary>Middleware: after the endpoint, releases the result and keeps the response open until it is stored.</summary>
    public static async Task HoldResponseAsync(HttpContext http, Func<Task> next)
    {
        await next().ConfigureAwait(false);
        if (http.Items.TryGetValue(s_itemKey, out var item) && item is PollingGate gate)
        {
            gate._detached.TrySetResult();
            await gate._stored.Task.WaitAsync(TimeSpan.FromSeconds(10), http.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Outgoing message filter: once the result of a gated request has been written (to the event store), opens the response.</summary>
    public static void Sent(string? session, JsonRpcMessage message)
    {
        if (session is not null && message is JsonRpcMessageWithId { Id: var id } and (JsonRpcResponse or JsonRpcError)
            && s_open.TryRemove((session, id), out var gate))
        {
            gate._stored.TrySetResult();
        }
    }
}
