using System.Collections.Concurrent;

namespace McpAspire.Chaos.Workload;

/// <summary>Every agent message sent and received, by uid: lost, duplicated and out-of-order counts per sender.</summary>
public sealed class MessageLedger
{
    private readonly ConcurrentDictionary<string, int> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _received = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _lastSeqBySender = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _sentBySender = new(StringComparer.Ordinal);
    private int _outOfOrder;
    private int _viaReplay;

    public void Sent(string sender, string uid, int seq)
    {
        _sent[uid] = seq;
        _sentBySender.AddOrUpdate(sender, 1, (_, n) => n + 1);
    }

    public void Received(string sender, string uid, int seq, string via)
    {
        _received.AddOrUpdate(uid, 1, (_, n) => n + 1);
        if (via == "replay")
        {
            Interlocked.Increment(ref _viaReplay);
        }
        var last = _lastSeqBySender.GetOrAdd(sender, 0);
        if (seq <= last)
        {
            Interlocked.Increment(ref _outOfOrder);
        }
        _lastSeqBySender[sender] = Math.Max(last, seq);
    }

    /// <summary>True when every uid this sender sent has been received.</summary>
    public bool AllReceived(string sender) =>
        _sent.Keys.Where(k => k.StartsWith(sender + "-", StringComparison.Ordinal)).All(_received.ContainsKey);

    public int SentCount => _sent.Count;

    public int ReceivedCount => _received.Count;

    /// <summary>Sent (confirmed) but never received.</summary>
    public int Lost => _sent.Keys.Count(k => !_received.ContainsKey(k));

    /// <summary>Received more than once (extra copies counted).</summary>
    public int Duplicated => _received.Values.Where(n => n > 1).Sum(n => n - 1);

    /// <summary>Received but never confirmed sent (a send that failed yet was stored, and not found in history).</summary>
    public int Unexpected => _received.Keys.Count(k => !_sent.ContainsKey(k));

    public int OutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>Messages recovered from history after a receive whose answer was lost.</summary>
    public int ViaReplay => Volatile.Read(ref _viaReplay);
}
