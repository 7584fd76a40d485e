using System.Runtime.CompilerServices;
using McpAspire.Mcp.Distributed.Hosting;
using McpAspire.Mcp.Distributed.Sessions;
using McpAspire.Mcp.Distributed.State;
using McpAspire.Mcp.Events;
using McpAspire.StateService.Client;
using Microsoft.Extensions.Options;

namespace McpAspire.Mcp.Distributed.Events;

/// <summary>
/// <see cref="IMcpEventStore"/> over the state service's per-session event log. A stream's sequence numbers are the
/// log's per-session ids (increasing within every stream, which is all the endpoint needs), so an event id minted on
/// one replica resolves on any other. Followers tail the state service's change stream for the session: subscribe,
/// then read what is already logged, then apply live changes, skipping ids already read, so nothing appended in
/// between is lost or repeated. Unreachable → <see cref="Mcp.Sessions.McpSessionStoreUnavailableException"/>.
/// </summary>
public sealed class StateServiceMcpEventStore : IMcpEventStore
{
    private const int PageSize = 500;

    private readonly StateServiceClient _client;
    private readonly string _principal;

    /// <summary>Creates the store.</summary>
    public StateServiceMcpEventStore(StateServiceClient client, IOptions<StateServiceMcpStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _principal = options.Value.Principal;
    }

    /// <inheritdoc />
    /// <remarks>Returns 0 when the session no longer exists: the event is not kept (nothing could resume it).</remarks>
    public async ValueTask<long> AppendAsync(string sessionId, string streamId, ReadOnlyMemory<byte> data, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        using var envelope = StateEventEnvelope.Message(data.Span, retryAfter);
        return await AppendCoreAsync(sessionId, streamId, envelope, cancellationToken).ConfigureAwait(false) ?? 0;
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(string sessionId, string streamId, CancellationToken cancellationToken)
    {
        using var envelope = StateEventEnvelope.End();
        await AppendCoreAsync(sessionId, streamId, envelope, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(string sessionId, string streamId, CancellationToken cancellationToken) =>
        await ReadPageAsync(sessionId, StateStreamNames.For(streamId), 0, 1, cancellationToken).ConfigureAwait(false) is { Count: > 0 };

    /// <inheritdoc />
    /// <remarks>Events go with their session: the state service deletes the log when the session is deleted or expires.</remarks>
    public ValueTask DeleteSessionAsync(string sessionId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async IAsyncEnumerable<McpStoredEvent> ReadAfterAsync(string sessionId, string streamId, long afterSequence, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!StateServiceMcpSessionStore.SessionIdPattern().IsMatch(sessionId))
        {
            yield break;
        }
        var stream = StateStreamNames.For(streamId);
        var last = afterSequence;
        StateChangeSubscription? subscription = null;
        try
        {
            if (follow)
            {
                // Subscribe before the catch-up read: whatever is appended after the read arrives as a change.
                subscription = await SubscribeAsync(sessionId, cancellationToken).ConfigureAwait(false);
            }

            // Catch up from the log.
            var (events, ended, gone) = await ReadAllAfterAsync(sessionId, stream, last, cancellationToken).ConfigureAwait(false);
            foreach (var item in events)
            {
                last = item.Sequence;
                yield return item;
            }
            if (ended || gone || subscription is null)
            {
                yield break;
            }

            // Live tail. Session ids are consecutive, so a change that skips one means another change is still in
            // flight (two replicas appended concurrently and their announcements crossed): read the log then instead
            // of trusting the order of announcements. Until a first change fixes the position, every change reads.
            var sessionPosition = -1L;
            var changes = subscription.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    var change = await NextChangeAsync(changes, cancellationToken).ConfigureAwait(false);
                    if (change is null
                        || change.Type is StateChangeTypes.SessionDeleted or StateChangeTypes.SessionExpired)
                    {
                        yield break;
                    }
                    List<McpStoredEvent> batch;
                    if (change.Type == StateChangeTypes.SessionEvent && change.Event is { } logged)
                    {
                        if (logged.Id <= sessionPosition)
                        {
                            continue; // covered by an earlier read
                        }
                        if (sessionPosition >= 0 && logged.Id == sessionPosition + 1)
                        {
                            sessionPosition = logged.Id;
                            if (!string.Equals(logged.Stream, stream, StringComparison.Ordinal) || logged.Id <= last)
                            {
                                continue;
                            }
                            if (!StateEventEnvelope.TryDecode(logged.Id, logged.Data, out var live))
                            {
                                yield break;
                            }
                            last = live.Sequence;
                            yield return live;
                            continue;
                        }
                        sessionPosition = logged.Id;
                    }
                    else if (change.Type == "resync")
                    {
                        sessionPosition = -1; // some changes were lost upstream: read, and re-establish the position
                    }
                    else
                    {
                        continue;
                    }
                    (batch, ended, gone) = await ReadAllAfterAsync(sessionId, stream, last, cancellationToken).ConfigureAwait(false);
                    foreach (var item in batch)
                    {
                        last = item.Sequence;
                        yield return item;
                    }
                    if (ended || gone)
                    {
                        yield break;
                    }
                }
            }
            finally
            {
                await changes.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            if (subscription is not null)
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<long?> AppendCoreAsync(string sessionId, string streamId, System.Text.Json.JsonDocument envelope, CancellationToken cancellationToken)
    {
        if (!StateServiceMcpSessionStore.SessionIdPattern().IsMatch(sessionId))
        {
            return null;
        }
        try
        {
            return await _client.AppendEventAsync(_principal, sessionId, StateStreamNames.For(streamId), envelope.RootElement, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StateCalls.IsUnavailable(ex, cancellationToken))
        {
            throw StateCalls.Unavailable(ex);
        }
    }

    private async Task<StateChangeSubscription> SubscribeAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.OpenChangeStreamAsync(sessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StateCalls.IsUnavailable(ex, cancellationToken))
        {
            throw StateCalls.Unavailable(ex);
        }
    }

    /// <summary>The next change; null when the change stream overflowed (the caller ends, the client resumes by id).</summary>
    private static async Task<StateChange?> NextChangeAsync(IAsyncEnumerator<StateChange> changes, CancellationToken cancellationToken)
    {
        bool more;
        try
        {
            more = await changes.MoveNextAsync().ConfigureAwait(false);
        }
        catch (StateServiceException ex) when (ex.Title == "overflow")
        {
            return null;
        }
        catch (Exception ex) when (StateCalls.IsUnavailable(ex, cancellationToken))
        {
            throw StateCalls.Unavailable(ex);
        }
        if (!more)
        {
            // The state service closed the stream (it stopped): the follower cannot know what comes next.
            throw new Mcp.Sessions.McpSessionStoreUnavailableException("The state service closed the change stream.") { RetryAfter = TimeSpan.FromSeconds(1) };
        }
        return changes.Current;
    }

    /// <summary>Every logged event of the stream after <paramref name="after"/>, stopping at its end marker.</summary>
    private async Task<(List<McpStoredEvent> Events, bool Ended, bool Gone)> ReadAllAfterAsync(string sessionId, string stream, long after, CancellationToken cancellationToken)
    {
        var result = new List<McpStoredEvent>();
        while (true)
        {
            var page = await ReadPageAsync(sessionId, stream, after, PageSize, cancellationToken).ConfigureAwait(false);
            if (page is null)
            {
                return (result, false, true);
            }
            foreach (var logged in page)
            {
                if (!StateEventEnvelope.TryDecode(logged.Id, logged.Data, out var item))
                {
                    return (result, true, false);
                }
                result.Add(item);
                after = logged.Id;
            }
            if (page.Count < PageSize)
            {
                return (result, false, false);
            }
        }
    }

    private async Task<List<SessionEvent>?> ReadPageAsync(string sessionId, string stream, long after, int limit, CancellationToken cancellationToken)
    {
        if (!StateServiceMcpSessionStore.SessionIdPattern().IsMatch(sessionId))
        {
            return null;
        }
        try
        {
            return await _client.ReadEventsAsync(_principal, sessionId, after, stream, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StateCalls.IsUnavailable(ex, cancellationToken))
        {
            throw StateCalls.Unavailable(ex);
        }
    }
}
