using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>Messaging tools: send (direct, any-of, broadcast), receive with optional wait, replay history.</summary>
[McpServerToolType]
internal sealed class MessageTools
{
    private readonly AgentStore _store;
    private readonly MessageTypeRegistry _types;
    private readonly MessageRouter _router;
    private readonly MailboxSignals _signals;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;

    public MessageTools(AgentStore store, MessageTypeRegistry types, MessageRouter router, MailboxSignals signals, IOptions<AgentOptions> options, TimeProvider time)
    {
        _store = store;
        _types = types;
        _router = router;
        _signals = signals;
        _options = options.Value;
        _time = time;
    }

    /// <summary>Sends a message.</summary>
    [McpServerTool(Name = "messages_send", OpenWorld = false, UseStructuredContent = true)]
    [Description("Sends a typed JSON message. Give exactly one target: 'to' (an agent id), or 'capability' to route to one active agent with it (least queued first, ties round robin), or 'capability' with broadcast=true to send a copy to every active agent with it. A declared type's schema, size limit and default TTL apply (message_types_list); routing rules (routing_rules_list) may redirect, rewrite or drop it, and the result names the rule. Fails when the payload does not match its type, the recipient is unknown or its mailbox is full.")]
    public async Task<SendResult> SendAsync(
        [Description("Message type, 1-128 of [A-Za-z0-9._:/-] (e.g. task.assign).")] string type,
        [Description("Any JSON value; at most ToolHost:Agents:MaxPayloadBytes (default 64 KiB) serialized.")] JsonElement payload,
        [Description("Recipient agent id (direct).")] string? to = null,
        [Description("Route by capability instead of id.")] string? capability = null,
        [Description("With 'capability': deliver to every active agent that has it.")] bool broadcast = false,
        [Description("Sender agent id (must be registered), reported to recipients.")] string? from = null,
        [Description("Seconds until the message expires undelivered (1 to ToolHost:Agents:MaxMessageTtlSeconds; default ToolHost:Agents:DefaultMessageTtlSeconds).")] int? ttlSeconds = null,
        CancellationToken cancellationToken = default)
    {
        var messageType = AgentInput.MessageType(type);
        if ((to is null) == (capability is null))
        {
            throw new AgentCoordinationException("Give exactly one of 'to' (an agent id) or 'capability'.");
        }
        if (broadcast && to is not null)
        {
            throw new AgentCoordinationException("'broadcast' routes by capability; use it with 'capability', not 'to'.");
        }
        // Size, then schema, of the message's type (or the global size limit for an undeclared type).
        var declared = await _types.CheckAsync(messageType, payload, cancellationToken).ConfigureAwait(false);
        var ttl = AgentInput.Range(ttlSeconds, declared?.DefaultTtlSeconds ?? _options.DefaultMessageTtlSeconds, 1, _options.MaxMessageTtlSeconds, "ttlSeconds");
        var sender = from is null ? null : AgentInput.AgentId(from, "from");
        var target = to is not null ? AgentInput.AgentId(to, "to") : null;
        var targetCapability = capability is not null ? AgentInput.Capability(capability) : null;
        var route = await _router.RouteAsync(messageType, target, targetCapability, broadcast, sender, cancellationToken).ConfigureAwait(false);
        if (route.Route == "drop")
        {
            return new SendResult([], [], _time.GetUtcNow().AddSeconds(ttl), route.Rule, Dropped: true);
        }
        var sent = await _store.SendAsync(route.Route, route.Target, sender, messageType, payload, ttl, cancellationToken).ConfigureAwait(false);
        return route.Rule is null ? sent : sent with { Rule = route.Rule };
    }

    /// <summary>Receives (and acknowledges) messages.</summary>
    [McpServerTool(Name = "messages_receive", OpenWorld = false, UseStructuredContent = true)]
    [Description("Takes up to maxMessages messages from an agent's mailbox, oldest first; taking them acknowledges them. With waitSeconds > 0 and an empty mailbox, waits until a message arrives or the time passes. Expired messages are never delivered.")]
    public async Task<MessageBatch> ReceiveAsync(
        [Description("The receiving agent's id.")] string agentId,
        [Description("Most messages to take (1-100).")] int maxMessages = 10,
        [Description("Seconds to wait for a message when the mailbox is empty (0 to ToolHost:Agents:MaxReceiveWaitSeconds).")] int waitSeconds = 0,
        CancellationToken cancellationToken = default)
    {
        var id = AgentInput.AgentId(agentId, "agentId");
        var max = AgentInput.Range(maxMessages, 10, 1, 100, "maxMessages");
        var wait = AgentInput.Range(waitSeconds, 0, 0, _options.MaxReceiveWaitSeconds, "waitSeconds");
        var deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(wait);
        while (true)
        {
            // Take the signal before looking, so a send in between wakes us instead of being missed.
            var signal = wait > 0 ? _signals.Next(id) : null;
            var messages = await _store.ReceiveAsync(id, max, cancellationToken).ConfigureAwait(false);
            var left = deadline - _time.GetUtcNow();
            if (messages.Count > 0 || signal is null || left <= TimeSpan.Zero)
            {
                return Batch(messages, hasMore: false);
            }
            try
            {
                // Bounded wait slices are a safety net for a lost pub/sub message, not polling: a signal ends them at once.
                await signal.WaitAsync(left < TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>Replays history.</summary>
    [McpServerTool(Name = "messages_replay", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns the message history of an agent's mailbox (delivered or not, not expired) after a message id, oldest first. Page with the returned lastId while hasMore is true.")]
    public async Task<MessageBatch> ReplayAsync(
        [Description("The agent whose history to read.")] string agentId,
        [Description("Return messages after this id; omit for the oldest kept.")] string? afterId = null,
        [Description("Most messages to return (1-1000).")] int maxMessages = 100,
        CancellationToken cancellationToken = default)
    {
        var id = AgentInput.AgentId(agentId, "agentId");
        var max = AgentInput.Range(maxMessages, 100, 1, 1000, "maxMessages");
        long after = 0;
        if (afterId is not null && (!long.TryParse(afterId, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            throw new AgentCoordinationException($"Invalid 'afterId' '{afterId}': must be a message id as returned by messages_send (a non-negative integer).");
        }
        var messages = await _store.ReplayAsync(id, after, max, cancellationToken).ConfigureAwait(false);
        var hasMore = messages.Count > max;
        return Batch(hasMore ? messages.Take(max).ToList() : messages, hasMore);
    }

    private static MessageBatch Batch(IReadOnlyList<AgentMessage> messages, bool hasMore) =>
        new(messages, messages.Count, messages.Count > 0 ? messages[^1].Id : null, hasMore);
}
