using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace McpAspire.Redis.Protocol;

/// <summary>
/// RESP2/RESP3 parsing over a <see cref="ReadOnlySequence{T}"/> from the pipe: first the extent of a whole frame is found
/// (nothing allocated), then typed readers take only what they need. Malformed input throws
/// <see cref="RedisProtocolException"/>; an incomplete frame just asks for more bytes.
/// </summary>
internal static class RespParser
{
    /// <summary>Longest line (simple string, error, number) accepted before giving up on a peer that never sends CRLF.</summary>
    public const int MaxLineLength = 1024 * 1024;

    /// <summary>Largest bulk string accepted (Redis's own proto-max-bulk-len default).</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Largest aggregate count accepted.</summary>
    public const long MaxAggregateCount = 1L << 28;

    /// <summary>Deepest nesting accepted (guards the recursion against a hostile peer).</summary>
    public const int MaxDepth = 64;

    /// <summary>Finds the end of the first complete frame; false when more bytes are needed.</summary>
    public static bool TryGetFrameEnd(in ReadOnlySequence<byte> buffer, out SequencePosition end)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (TrySkip(ref reader, 0))
        {
            end = reader.Position;
            return true;
        }
        end = default;
        return false;
    }

    /// <summary>Skips one frame; false when incomplete.</summary>
    public static bool TrySkip(ref SequenceReader<byte> reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new RedisProtocolException($"RESP nesting deeper than {MaxDepth} levels.");
        }
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
                return TrySkipLine(ref reader);
            case (byte)':':
                return TryReadNumberLine(ref reader, out _);
            case (byte)'$':
            case (byte)'!':
            case (byte)'=':
            {
                if (!TryReadNumberLine(ref reader, out var length))
                {
                    return false;
                }
                if (length == -1 && prefix == (byte)'$')
                {
                    return true;
                }
                CheckBulkLength(length);
                if (reader.Remaining < length + 2)
                {
                    return false;
                }
                reader.Advance(length);
                return TryExpectCrLf(ref reader);
            }
            case (byte)'*':
            case (byte)'~':
            case (byte)'>':
            case (byte)'%':
            case (byte)'|':
            {
                if (!TryReadNumberLine(ref reader, out var count))
                {
                    return false;
                }
                if (count == -1 && prefix == (byte)'*')
                {
                    return true;
                }
                CheckCount(count);
                if (prefix is (byte)'%' or (byte)'|')
                {
                    count *= 2;
                }
                for (long i = 0; i < count; i++)
                {
                    if (!TrySkip(ref reader, depth + 1))
                    {
                        return false;
                    }
                }
                // An attribute is metadata in front of the real reply: the frame goes on to that reply.
                return prefix != (byte)'|' || TrySkip(ref reader, depth + 1);
            }
            default:
                throw new RedisProtocolException($"Invalid RESP type byte 0x{prefix:X2} ('{(prefix is >= 32 and < 127 ? (char)prefix : '?')}').");
        }
    }

    /// <summary>Reads a <c>-?digits\r\n</c> line; false when incomplete.</summary>
    public static bool TryReadNumberLine(ref SequenceReader<byte> reader, out long value)
    {
        value = 0;
        if (!TryReadLine(ref reader, out var line))
        {
            return false;
        }
        value = ParseInteger(line);
        return true;
    }

    public static long ParseInteger(ReadOnlySpan<byte> line)
    {
        if (line.Length == 0 || line.Length > 20 || !Utf8Parser.TryParse(line, out long value, out var consumed) || consumed != line.Length)
        {
            throw new RedisProtocolException($"Invalid RESP integer '{Printable(line)}'.");
        }
        return value;
    }

    public static long ParseInteger(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return ParseInteger(line.FirstSpan);
        }
        Span<byte> copy = stackalloc byte[21];
        if (line.Length > 20)
        {
            return ParseInteger(copy);
        }
        line.CopyTo(copy);
        return ParseInteger(copy[..(int)line.Length]);
    }

    /// <summary>Reads up to CRLF (exclusive) and advances past it; false when incomplete.</summary>
    public static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySpan<byte> line)
    {
        if (reader.TryReadTo(out line, "\r\n"u8, advancePastDelimiter: true))
        {
            if (line.IndexOf((byte)'\n') >= 0 || line.IndexOf((byte)'\r') >= 0)
            {
                throw new RedisProtocolException("Bare CR or LF inside a RESP line.");
            }
            return true;
        }
        if (reader.Remaining > MaxLineLength)
        {
            throw new RedisProtocolException($"RESP line longer than {MaxLineLength} bytes without CRLF.");
        }
        return false;
    }

    private static bool TrySkipLine(ref SequenceReader<byte> reader) => TryReadLine(ref reader, out _);

    private static bool TryExpectCrLf(ref SequenceReader<byte> reader)
    {
        if (reader.Remaining < 2)
        {
            return false;
        }
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            throw new RedisProtocolException("Bulk string not terminated by CRLF.");
        }
        return true;
    }

    private static void CheckBulkLength(long length)
    {
        if (length < 0 || length > MaxBulkLength)
        {
            throw new RedisProtocolException($"Invalid RESP bulk length {length}.");
        }
    }

    private static void CheckCount(long count)
    {
        if (count < 0 || count > MaxAggregateCount)
        {
            throw new RedisProtocolException($"Invalid RESP aggregate count {count}.");
        }
    }

    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 40)]);
        return new string(text.Select(c => c is >= ' ' and < (char)127 ? c : '?').ToArray());
    }
}
