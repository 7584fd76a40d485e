using System.Buffers;
using System.Text;

namespace McpAspire.Redis.Protocol;

/// <summary>
/// One complete reply frame, header parsed, payload still in the pipe's buffer (valid only until the reader advances).
/// Typed readers copy out exactly what the caller needs.
/// </summary>
internal readonly struct RespFrame
{
    private RespFrame(ResultType type, ReadOnlySequence<byte> payload, long count)
    {
        Type = type;
        Payload = payload;
        Count = count;
    }

    /// <summary>RESP3 type (RESP2 nulls become <see cref="ResultType.Null"/>).</summary>
    public ResultType Type { get; }

    /// <summary>Scalar bytes, or the children of an aggregate.</summary>
    public ReadOnlySequence<byte> Payload { get; }

    /// <summary>Number of child frames of an aggregate (a map's pairs count twice).</summary>
    public long Count { get; }

    public bool IsNull => Type == ResultType.Null;

    public bool IsError => Type is ResultType.Error or ResultType.BlobError;

    public bool IsAggregate => Type is ResultType.Array or ResultType.Map or ResultType.Set or ResultType.Push;

    /// <summary>Parses the header of a frame known to be complete.</summary>
    public static RespFrame Parse(in ReadOnlySequence<byte> frame)
    {
        var reader = new SequenceReader<byte>(frame);
        return Parse(ref reader);
    }

    private static RespFrame Parse(ref SequenceReader<byte> reader)
    {
        if (!reader.TryRead(out var prefix))
        {
            throw new RedisProtocolException("Empty frame.");
        }
        switch (prefix)
        {
            case (byte)'+':
                return Line(ref reader, ResultType.SimpleString);
            case (byte)'-':
                return Line(ref reader, ResultType.Error);
            case (byte)':':
                return Line(ref reader, ResultType.Integer);
            case (byte)'_':
                Line(ref reader, ResultType.Null);
                return new RespFrame(ResultType.Null, default, -1);
            case (byte)'#':
                return Line(ref reader, ResultType.Boolean);
            case (byte)',':
                return Line(ref reader, ResultType.Double);
            case (byte)'(':
                return Line(ref reader, ResultType.BigInteger);
            case (byte)'$':
            case (byte)'!':
            case (byte)'=':
            {
                Require(RespParser.TryReadNumberLine(ref reader, out var length));
                if (length < 0)
                {
                    return new RespFrame(ResultType.Null, default, -1);
                }
                var payload = reader.UnreadSequence.Slice(0, length);
                reader.Advance(length + 2);
                return new RespFrame(prefix switch { (byte)'$' => ResultType.BulkString, (byte)'!' => ResultType.BlobError, _ => ResultType.VerbatimString }, payload, -1);
            }
            case (byte)'*':
            case (byte)'~':
            case (byte)'>':
            case (byte)'%':
            {
                Require(RespParser.TryReadNumberLine(ref reader, out var count));
                if (count < 0)
                {
                    return new RespFrame(ResultType.Null, default, -1);
                }
                var type = prefix switch { (byte)'*' => ResultType.Array, (byte)'~' => ResultType.Set, (byte)'>' => ResultType.Push, _ => ResultType.Map };
                if (type == ResultType.Map)
                {
                    count *= 2;
                }
                var start = reader.Position;
                for (long i = 0; i < count; i++)
                {
                    Require(RespParser.TrySkip(ref reader, 1));
                }
                return new RespFrame(type, reader.Sequence.Slice(start, reader.Position), count);
            }
            case (byte)'|':
            {
                Require(RespParser.TryReadNumberLine(ref reader, out var count));
                for (long i = 0; i < count * 2; i++)
                {
                    Require(RespParser.TrySkip(ref reader, 1));
                }
                return Parse(ref reader);
            }
            default:
                throw new RedisProtocolException($"Invalid RESP type byte 0x{prefix:X2}.");
        }
    }

    private static RespFrame Line(ref SequenceReader<byte> reader, ResultType type)
    {
        var start = reader.Position;
        Require(reader.TryAdvanceTo((byte)'\n'));
        var line = reader.Sequence.Slice(start, reader.Position);
        return new RespFrame(type, line.Slice(0, line.Length - 2), -1);
    }

    private static void Require(bool ok)
    {
        if (!ok)
        {
            throw new RedisProtocolException("Truncated frame.");
        }
    }

    /// <summary>The child frames of an aggregate.</summary>
    public ChildEnumerator Children() => new(Payload);

    /// <summary>Iterates children without allocating.</summary>
    public struct ChildEnumerator
    {
        private readonly ReadOnlySequence<byte> _payload;
        private SequencePosition _position;

        public ChildEnumerator(ReadOnlySequence<byte> payload)
        {
            _payload = payload;
            _position = payload.Start;
        }

        public bool TryNext(out RespFrame child)
        {
            var rest = _payload.Slice(_position);
            if (rest.IsEmpty)
            {
                child = default;
                return false;
            }
            var reader = new SequenceReader<byte>(rest);
            Require(RespParser.TrySkip(ref reader, 0));
            child = Parse(rest.Slice(0, reader.Position));
            _position = reader.Position;
            return true;
        }

        public RespFrame Next() => TryNext(out var child) ? child : throw new RedisProtocolException("Aggregate has fewer items than announced.");
    }

    /// <summary>The payload as text (UTF-8).</summary>
    public string GetString()
    {
        var payload = Payload;
        if (Type == ResultType.VerbatimString && payload.Length >= 4)
        {
            payload = payload.Slice(4); // "txt:" / "mkd:" format marker
        }
        return Encoding.UTF8.GetString(payload);
    }

    /// <summary>The scalar as a value (bytes copied out of the pipe).</summary>
    public RedisValue ToRedisValue()
    {
        switch (Type)
        {
            case ResultType.Null:
                return RedisValue.Null;
            case ResultType.Integer:
                return RespParser.ParseInteger(Payload);
            case ResultType.Boolean:
                return IsTrue();
            case ResultType.Double:
                return ParseDouble();
            case ResultType.SimpleString:
                if (Payload.Length == 2 && Payload.FirstSpan.Length == 2 && Payload.FirstSpan.SequenceEqual("OK"u8))
                {
                    return OkString;
                }
                return Payload.ToArray();
            case ResultType.BulkString:
            case ResultType.BigInteger:
                return Payload.ToArray();
            case ResultType.VerbatimString:
                return GetString();
            case ResultType.Error:
            case ResultType.BlobError:
                throw RedisServerException.FromMessage(GetString());
            default:
                throw new InvalidCastException($"A {Type} reply is not a single value.");
        }
    }

    private static readonly RedisValue OkString = "OK";

    /// <summary>Integer replies, integer-looking strings, RESP3 booleans.</summary>
    public long ToInt64() => Type switch
    {
        ResultType.Integer => RespParser.ParseInteger(Payload),
        ResultType.Boolean => IsTrue() ? 1 : 0,
        ResultType.Null => 0,
        ResultType.Error or ResultType.BlobError => throw RedisServerException.FromMessage(GetString()),
        _ => (long)ToRedisValue(),
    };

    /// <summary>Doubles (RESP3) or numeric strings (RESP2).</summary>
    public double ParseDouble()
    {
        if (Type is ResultType.Error or ResultType.BlobError)
        {
            throw RedisServerException.FromMessage(GetString());
        }
        if (Type == ResultType.Integer)
        {
            return RespParser.ParseInteger(Payload);
        }
        var text = Encoding.ASCII.GetString(Payload);
        return RedisValue.TryParseDouble(text, out var d) ? d : throw new RedisProtocolException($"Invalid RESP double '{text}'.");
    }

    private bool IsTrue()
    {
        var span = Payload.FirstSpan;
        return span.Length == 1 && span[0] == (byte)'t' ? true
            : span.Length == 1 && span[0] == (byte)'f' ? false
            : throw new RedisProtocolException("Invalid RESP boolean.");
    }

    /// <summary>True for <c>+OK</c>.</summary>
    public bool IsOk => Type == ResultType.SimpleString && Payload.Length == 2 && (Payload.IsSingleSegment ? Payload.FirstSpan : Payload.ToArray()).SequenceEqual("OK"u8);

    /// <summary>Materialises the whole frame (for <c>ExecuteAsync</c>, scripts and aggregates).</summary>
    public RedisResult ToResult()
    {
        switch (Type)
        {
            case ResultType.Null:
                return RedisResult.NullSingle;
            case ResultType.Error:
            case ResultType.BlobError:
                return RedisResult.CreateError(GetString());
            case ResultType.Array:
            case ResultType.Set:
            case ResultType.Map:
            case ResultType.Push:
            {
                var items = new RedisResult[Count];
                var children = Children();
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = children.Next().ToResult();
                }
                return RedisResult.Create(items, Type);
            }
            case ResultType.SimpleString:
                return RedisResult.Create(GetString(), Type);
            default:
                return RedisResult.Create(ToRedisValue(), Type);
        }
    }
}
