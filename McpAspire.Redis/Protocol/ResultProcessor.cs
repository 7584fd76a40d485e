namespace McpAspire.Redis.Protocol;

/// <summary>Turns a reply frame (never an error frame: those are handled before) into a typed result.</summary>
internal abstract class ResultProcessor<T>
{
    public abstract T Parse(in RespFrame frame);
}

/// <summary>The processors, one shared instance each.</summary>
internal static class ResultProcessors
{
    public static readonly ResultProcessor<RedisValue> Value = new ValueProcessor();
    public static readonly ResultProcessor<long> Int64 = new Int64Processor();
    public static readonly ResultProcessor<bool> Boolean = new BooleanProcessor();
    public static readonly ResultProcessor<double> Double = new DoubleProcessor();
    public static readonly ResultProcessor<double?> NullableDouble = new NullableDoubleProcessor();
    public static readonly ResultProcessor<RedisResult> Result = new ResultResultProcessor();
    public static readonly ResultProcessor<RedisValue[]> ValueArray = new ValueArrayProcessor();
    public static readonly ResultProcessor<HashEntry[]> HashEntries = new HashEntriesProcessor();
    public static readonly ResultProcessor<SortedSetEntry[]> SortedSetEntries = new SortedSetEntriesProcessor();
    public static readonly ResultProcessor<TimeSpan?> MillisecondsTtl = new MillisecondsTtlProcessor();
    public static readonly ResultProcessor<(RedisValue Cursor, RedisKey[] Keys)> ScanPage = new ScanPageProcessor();

    private sealed class ValueProcessor : ResultProcessor<RedisValue>
    {
        public override RedisValue Parse(in RespFrame frame) => frame.ToRedisValue();
    }

    private sealed class Int64Processor : ResultProcessor<long>
    {
        public override long Parse(in RespFrame frame) => frame.ToInt64();
    }

    /// <summary>1/0 integers, RESP3 booleans, +OK (true) and null (false: SET NX that did not set).</summary>
    private sealed class BooleanProcessor : ResultProcessor<bool>
    {
        public override bool Parse(in RespFrame frame) => frame.Type switch
        {
            ResultType.Null => false,
            ResultType.SimpleString => frame.IsOk,
            ResultType.Integer or ResultType.Boolean => frame.ToInt64() != 0,
            _ => (bool)frame.ToRedisValue(),
        };
    }

    private sealed class DoubleProcessor : ResultProcessor<double>
    {
        public override double Parse(in RespFrame frame) => frame.IsNull ? 0 : frame.ParseDouble();
    }

    private sealed class NullableDoubleProcessor : ResultProcessor<double?>
    {
        public override double? Parse(in RespFrame frame) => frame.IsNull ? null : frame.ParseDouble();
    }

    private sealed class ResultResultProcessor : ResultProcessor<RedisResult>
    {
        public override RedisResult Parse(in RespFrame frame) => frame.ToResult();
    }

    private sealed class ValueArrayProcessor : ResultProcessor<RedisValue[]>
    {
        public override RedisValue[] Parse(in RespFrame frame)
        {
            if (frame.IsNull)
            {
                return [];
            }
            if (!frame.IsAggregate)
            {
                // LPOP/RPOP with a count of 1 on some servers, or a scalar where an array is usual.
                return [frame.ToRedisValue()];
            }
            var values = new RedisValue[frame.Count];
            var children = frame.Children();
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = children.Next().ToRedisValue();
            }
            return values;
        }
    }

    /// <summary>RESP2 flat field/value arrays and RESP3 maps.</summary>
    private sealed class HashEntriesProcessor : ResultProcessor<HashEntry[]>
    {
        public override HashEntry[] Parse(in RespFrame frame)
        {
            if (frame.IsNull || frame.Count == 0)
            {
                return [];
            }
            if (frame.Count % 2 != 0)
            {
                throw new RedisProtocolException("A hash reply has an odd number of items.");
            }
            var entries = new HashEntry[frame.Count / 2];
            var children = frame.Children();
            for (var i = 0; i < entries.Length; i++)
            {
                var name = children.Next().ToRedisValue();
                entries[i] = new HashEntry(name, children.Next().ToRedisValue());
            }
            return entries;
        }
    }

    /// <summary>RESP2 flat member/score arrays and RESP3 arrays of [member, score] pairs.</summary>
    private sealed class SortedSetEntriesProcessor : ResultProcessor<SortedSetEntry[]>
    {
        public override SortedSetEntry[] Parse(in RespFrame frame)
        {
            if (frame.IsNull || frame.Count == 0)
            {
                return [];
            }
            var children = frame.Children();
            var first = frame.Children().Next();
            if (first.IsAggregate)
            {
                var pairs = new SortedSetEntry[frame.Count];
                for (var i = 0; i < pairs.Length; i++)
                {
                    var pair = children.Next().Children();
                    var member = pair.Next().ToRedisValue();
                    pairs[i] = new SortedSetEntry(member, pair.Next().ParseDouble());
                }
                return pairs;
            }
            if (frame.Count % 2 != 0)
            {
                throw new RedisProtocolException("A sorted set reply has an odd number of items.");
            }
            var entries = new SortedSetEntry[frame.Count / 2];
            for (var i = 0; i < entries.Length; i++)
            {
                var member = children.Next().ToRedisValue();
                entries[i] = new SortedSetEntry(member, children.Next().ParseDouble());
            }
            return entries;
        }
    }

    /// <summary>PTTL: -2 (no key) and -1 (no expiry) are null, as in StackExchange.Redis.</summary>
    private sealed class MillisecondsTtlProcessor : ResultProcessor<TimeSpan?>
    {
        public override TimeSpan? Parse(in RespFrame frame)
        {
            var ms = frame.ToInt64();
            return ms < 0 ? null : TimeSpan.FromMilliseconds(ms);
        }
    }

    private sealed class ScanPageProcessor : ResultProcessor<(RedisValue Cursor, RedisKey[] Keys)>
    {
        public override (RedisValue Cursor, RedisKey[] Keys) Parse(in RespFrame frame)
        {
            if (!frame.IsAggregate || frame.Count != 2)
            {
                throw new RedisProtocolException("A SCAN reply is not [cursor, keys].");
            }
            var children = frame.Children();
            // The cursor is an unsigned 64-bit number: kept as the server's text and sent back verbatim.
            var cursor = children.Next().ToRedisValue();
            var keysFrame = children.Next();
            var keys = new RedisKey[keysFrame.IsNull ? 0 : keysFrame.Count];
            var items = keysFrame.Children();
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = (byte[]?)items.Next().ToRedisValue();
            }
            return (cursor, keys);
        }
    }
}
