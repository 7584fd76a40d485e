using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.SessionSharing;

/// <summary>
/// An outgoing message filter: a notification or request a shared session's server sends outside any request
/// (<c>list_changed</c>, resource updates — no related transport) goes into the session's shared GET stream in Redis
/// instead of this replica's transport. The SDK would drop it unless the client's GET happened to be open on this very
/// replica; recorded, it reaches the client's GET on whichever replica serves it (<see cref="SharedSessionGate"/>) and
/// survives a reconnect with <c>Last-Event-ID</c>.
/// </summary>
public sealed partial class UnsolicitedMessageRecorder(RedisEventStreamStore store, LocalSharedSessions local, ILogger<UnsolicitedMessageRecorder> logger)
{
    /// <summary>The filter to add to <c>McpServerOptions.Filters.Message.OutgoingFilters</c>.</summary>
    public McpMessageHandler Filter(McpMessageHandler next) => async (context, cancellationToken) =>
    {
        var message = context.JsonRpcMessage;
        var sessionId = context.Server.SessionId;
        if (message.Context?.RelatedTransport is null && message is JsonRpcNotification or JsonRpcRequest && local.Contains(sessionId))
        {
            try
            {
                await store.AppendUnsolicitedAsync(sessionId!, message).ConfigureAwait(false);
            }
            catch (SessionStoreUnavailableException ex)
            {
                LogNotRecorded(logger, sessionId!, ex);
            }
            return;
        }
        await next(context, cancellationToken).ConfigureAwait(false);
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "An unsolicited message of session {SessionId} could not be recorded; the client does not get it.")]
    private static partial void LogNotRecorded(ILogger logger, string sessionId, Exception exception);
}
