using System.Buffers;

namespace McpAspire.Redis.Protocol;

/// <summary>
/// Finds where the next reply frame ends, resuming where the previous call stopped when the frame was incomplete, so
/// a large reply arriving over many socket reads is scanned once (linear), not from its start on every read. One per
/// connection, used only by its read loop. The buffer passed each time must start at the same frame start.
/// </summary>
internal sealed class FrameScanner
{
    // Bytes of the current frame already validated, and, per open aggregate, how many children are still expected.
    private long _offset;
    private readonly Stack<long> _remaining = new();

    public bool TryFindEnd(in ReadOnlySequence<byte> buffer, out SequencePosition end)
    {
        var start = _offset;
        var reader = new SequenceReader<byte>(start == 0 ? buffer : buffer.Slice(start));
        while (true)
        {
            var mark = reader.Consumed;
            if (!TryReadElement(ref reader))
            {
                _offset = start + mark;
                end = default;
                return false;
            }
            if (_remaining.Count == 0)
            {
                end = buffer.GetPosition(start + reader.Consumed);
                _offset = 0;
                return true;
            }
        }
    }

    /// <summary>Reads one element (a scalar, or an aggregate's header); false when incomplete (nothing recorded).</summary>
    private bool TryReadElement(ref SequenceReader<byte> reader)
    {
        if (!reader.TryRead(out var prefix))
        {
            return false;
        }
        switch (prefix)
        {
            case (byte)'+':
            case (byte)'-':
            case (byte)'_':
            case (byte)'#':
            case (byte)',':
            case (byte)'(':
                if (!RespParser.TryReadLine(ref reader, out _))
                {
                    return false;
                }
                break;
            case (byte)':':
                if (!RespParser.TryReadNumberLine(ref reader, out _))
                {
                    return false;
                }
                break;
            case (byte)'$':
            case (byte)'!':
            case (byte)'=':
            {
                if (!RespParser.TryReadNumberLine(ref reader, out var length))
                {
                    return false;
                }
                if (!(length == -1 && prefix == (byte)'$'))
                {
                    if (length < 0 || length > RespParser.MaxBulkLength)
                    {
                        throw new RedisProtocolException($"Invalid RESP bulk length {length}.");
                    }
                    if (reader.Remaining < length + 2)
                    {
                        return false;
                    }
                    reader.Advance(length);
                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        throw new RedisProtocolException("Bulk string not terminated by CRLF.");
                    }
                }
                break;
            }
            case (byte)'*':
            case (byte)'~':
            case (byte)'>':
            case (byte)'%':
            case (byte)'|':
            {
                if (!RespParser.TryReadNumberLine(ref reader, out var count))
                {
                    return false;
                }
                if (count == -1 && prefix == (byte)'*')
                {
                    break; // RESP2 null array: a complete element
                }
                if (count < 0 || count > RespParser.MaxAggregateCount)
                {
                    throw new RedisProtocolException($"Invalid RESP aggregate count {count}.");
                }
                var children = prefix switch
                {
                    (byte)'%' => count * 2,
                    (byte)'|' => (count * 2) + 1, // an attribute is followed by the reply it annotates
                    _ => count,
                };
                if (children > 0)
                {
                    if (_remaining.Count >= RespParser.MaxDepth)
                    {
                        throw new RedisProtocolException($"RESP nesting deeper than {RespParser.MaxDepth} levels.");
                    }
                    _remaining.Push(children);
                    return true; // an open aggregate, not yet a complete element
                }
                break;
            }
            default:
                throw new RedisProtocolException($"Invalid RESP type byte 0x{prefix:X2} ('{(prefix is >= 32 and < 127 ? (char)prefix : '?')}').");
        }
        CompleteElement();
        return true;
    }

    /// <summary>One element finished: count it against its parent, closing every aggregate it completes.</summary>
    private void CompleteElement()
    {
        while (_remaining.Count > 0)
        {
            var left = _remaining.Pop() - 1;
            if (left > 0)
            {
                _remaining.Push(left);
                return;
            }
        }
    }
}
