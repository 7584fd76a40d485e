using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpAspire.Chaos.Workload;

/// <summary>
/// Two agents exchanging messages through the tool host, over 2026-07-28 calls to the gateway: the sender sends
/// <c>{uid, seq}</c> one at a time; the receiver takes them with <c>messages_receive</c> (taking acknowledges).
/// A request whose outcome is unknown is resolved the way a careful client would: the sender looks for its uid in the
/// recipient's history (<c>messages_replay</c>) before sending it again; the receiver reads the history after the last
/// message id it processed, and skips ids it has processed (the broker's offsets, not the uids). So a lost or
/// duplicated uid is the platform's doing, which <see cref="MessageLedger"/> counts.
/// </summary>
public sealed class AgentPair
{
    private readonly string _sender;
    private readonly string _receiver;
    private readonly McpCall _call;
    private readonly MessageLedger _ledger;
    private readonly Recorder _recorder;
    private readonly TimeSpan _think;
    private long _lastSeenByReceiver;

    public AgentPair(string name, McpCall call, MessageLedger ledger, Recorder recorder, TimeSpan think)
    {
        _sender = name + "-tx";
        _receiver = name + "-rx";
        _call = call;
        _ledger = ledger;
        _recorder = recorder;
        _think = think;
    }

    /// <summary>Registers both agents (retrying until it works, before the faults start).</summary>
    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        foreach (var id in new[] { _sender, _receiver })
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = await _call.CallToolStatelessAsync("agent.register", "agents_register",
                    new JsonObject { ["id"] = id, ["name"] = id, ["heartbeatIntervalSeconds"] = 3600 }, CancellationToken.None).ConfigureAwait(false);
                if (result.Ok)
                {
                    break;
                }
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends until <paramref name="stop"/>; each message is settled (sent or known not to be) before the next.</summary>
    public async Task SendAsync(CancellationToken stop)
    {
        var seq = 0;
        long lastStored = 0;
        while (!stop.IsCancellationRequested)
        {
            var uid = $"{_sender}-{++seq}";
            while (true)
            {
                var result = await _call.CallToolStatelessAsync("agent.send", "messages_send", new JsonObject
                {
                    ["type"] = "chaos.test",
                    ["to"] = _receiver,
                    ["from"] = _sender,
                    ["ttlSeconds"] = 3600,
                    ["payload"] = new JsonObject { ["uid"] = uid, ["seq"] = seq },
                }, CancellationToken.None).ConfigureAwait(false);
                if (result.Ok)
                {
                    var id = result.Result!.Value.GetProperty("structuredContent").GetProperty("deliveries")[0].GetProperty("messageId").GetString()!;
                    lastStored = long.Parse(id, CultureInfo.InvariantCulture);
                    break;
                }
                // Unknown outcome: was it stored? Look before sending again (never give up on a message).
                if (await FindInHistoryAsync(uid, lastStored) is { } found)
                {
                    lastStored = found;
                    _recorder.Note($"{_sender}: {uid} was stored although its send failed ({result.Outcome})");
                    break;
                }
                await SessionClient.Pause(CancellationToken.None, TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
            }
            _ledger.Sent(_sender, uid, seq);
            await SessionClient.Pause(stop, _think).ConfigureAwait(false);
        }
    }

    /// <summary>Receives until <paramref name="stop"/>, then drains what is left (at most <paramref name="drain"/>).</summary>
    public async Task ReceiveAsync(CancellationToken stop, TimeSpan drain)
    {
        DateTime? drainUntil = null;
        while (true)
        {
            if (stop.IsCancellationRequested && drainUntil is null)
            {
                drainUntil = DateTime.UtcNow + drain;
            }
            if (drainUntil is { } until && (DateTime.UtcNow > until || _ledger.AllReceived(_sender)))
            {
                return;
            }
            var result = await _call.CallToolStatelessAsync("agent.receive", "messages_receive",
                new JsonObject { ["agentId"] = _receiver, ["maxMessages"] = 20, ["waitSeconds"] = 1 }, CancellationToken.None).ConfigureAwait(false);
            if (result.Ok)
            {
                Process(result.Result!.Value, "receive");
                continue;
            }
            // Unknown outcome: messages may have been taken. Read the history after the last one processed.
            while (true)
            {
                var replay = await _call.CallToolStatelessAsync("agent.replay", "messages_replay",
                    new JsonObject { ["agentId"] = _receiver, ["afterId"] = _lastSeenByReceiver.ToString(CultureInfo.InvariantCulture), ["maxMessages"] = 1000 },
                    CancellationToken.None).ConfigureAwait(false);
                if (replay.Ok)
                {
                    Process(replay.Result!.Value, "replay");
                    break;
                }
                await SessionClient.Pause(CancellationToken.None, TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
            }
        }
    }

    private void Process(JsonElement result, string via)
    {
        foreach (var message in result.GetProperty("structuredContent").GetProperty("messages").EnumerateArray())
        {
            var id = long.Parse(message.GetProperty("id").GetString()!, CultureInfo.InvariantCulture);
            if (id <= _lastSeenByReceiver)
            {
                continue; // already processed (a replay overlapping a receive)
            }
            _lastSeenByReceiver = id;
            var payload = message.GetProperty("payload");
            _ledger.Received(message.GetProperty("from").GetString()!, payload.GetProperty("uid").GetString()!, payload.GetProperty("seq").GetInt32(), via);
        }
    }

    private async Task<long?> FindInHistoryAsync(string uid, long after)
    {
        while (true)
        {
            var replay = await _call.CallToolStatelessAsync("agent.replay", "messages_replay",
                new JsonObject { ["agentId"] = _receiver, ["afterId"] = after.ToString(CultureInfo.InvariantCulture), ["maxMessages"] = 1000 },
                CancellationToken.None).ConfigureAwait(false);
            if (replay.Ok)
            {
                foreach (var message in replay.Result!.Value.GetProperty("structuredContent").GetProperty("messages").EnumerateArray())
                {
                    if (message.GetProperty("payload").GetProperty("uid").GetString() == uid)
                    {
                        return long.Parse(message.GetProperty("id").GetString()!, CultureInfo.InvariantCulture);
                    }
                }
                return null;
            }
            await SessionClient.Pause(CancellationToken.None, TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
        }
    }
}
