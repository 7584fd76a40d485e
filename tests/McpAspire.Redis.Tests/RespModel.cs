using System.Buffers;
using System.Globalization;
using System.Text;

namespace McpAspire.Redis.Tests;

/// <summary>An independent model of RESP replies for the property tests: its own encoder, compared with the client's parser.</summary>
public abstract record RespNode
{
    public abstract void Encode(StringBuilder sb, List<byte> bytes);

    public byte[] ToBytes()
    {
        var bytes = new List<byte>();
        Encode(new StringBuilder(), bytes);
        return [.. bytes];
    }

    /// <summary>Asserts the client's materialised result matches this node.</summary>
    public abstract void AssertMatches(RedisResult result);

    protected static void Ascii(List<byte> bytes, string text) => bytes.AddRange(Encoding.UTF8.GetBytes(text));
}

public sealed record SimpleNode(string Text) : RespNode
{
    public override void Encode(StringBuilder sb, List<byte> bytes) => Ascii(bytes, "+" + Text + "\r\n");

    public override void AssertMatches(RedisResult result)
    {
        Assert.Equal(ResultType.SimpleString, result.Resp3Type);
        Assert.Equal(Text, (string?)result);
    }
}

public sealed record ErrorNode(string Text) : RespNode
{
    public override void Encode(StringBuilder sb, List<byte> bytes) => Ascii(bytes, "-" + Text + "\r\n");

    public override void AssertMatches(RedisResult result)
    {
        Assert.True(result.IsError);
        Assert.Equal(Text, result.ToString());
    }
}

public sealed record IntegerNode(long Value) : RespNode
{
    public override void Encode(StringBuilder sb, List<byte> bytes) => Ascii(bytes, ":" + Value.ToString(CultureInfo.InvariantCulture) + "\r\n");

    public override void AssertMatches(RedisResult result)
    {
        Assert.Equal(ResultType.Integer, result.Resp3Type);
        Assert.Equal(Value, (long)result);
    }
}

public sealed record BulkNode(byte[] Value) : RespNode
{
    public override void Encode(StringBuilder sb, List<byte> bytes)
    {
        Ascii(bytes, "$" + Value.Length.ToString(CultureInfo.InvariantCulture) + "\r\n");
        bytes.AddRange(Value);
        Ascii(bytes, "\r\n");
    }

    public override void AssertMatches(RedisResult result)
    {
        Assert.Equal(ResultType.BulkString, result.Resp3Type);
        Assert.Equal(Value, (byte[]?)result);
    }
}

public sealed record NullNode(char Style) : RespNode
{
    public override void Encode(StringBuilder sb, List<byte> bytes) => Ascii(bytes, Style switch { '$' => "$-1\r\n", '*' => "*-1\r\n", _ => "_\r\n" });

    public override void AssertMatches(RedisResult result) => Assert.True(result.IsNull);
}

public sealed record DoubleNode(double Value) : RespNode
{
    public override void Encode(StringBuilder sb, List<byte> bytes) => Ascii(bytes, "," + (double.IsPositiveInfinity(Value) ? "inf" : double.IsNegativeInfinity(Value) ? "-inf" : Value.ToString("R", CultureInfo.InvariantCulture)) + "\r\n");

    public override void AssertMatches(RedisResult result)
    {
        Assert.Equal(ResultType.Double, result.Resp3Type);
        Assert.Equal(Value, (double)result);
    }
}

public sealed record BooleanNode(bool Value) : RespNode
{
    public override void Encode(StringBuilder sb, List<byte> bytes) => Ascii(bytes, Value ? "#t\r\n" : "#f\r\n");

    public override void AssertMatches(RedisResult result)
    {
        Assert.Equal(ResultType.Boolean, result.Resp3Type);
        Assert.Equal(Value, (bool)result);
    }
}

public sealed record AggregateNode(char Prefix, RespNode[] Items) : RespNode
{
    public override void Encode(StringBuilder sb, List<byte> bytes)
    {
        var count = Prefix == '%' ? Items.Length / 2 : Items.Length;
        Ascii(bytes, Prefix + count.ToString(CultureInfo.InvariantCulture) + "\r\n");
        foreach (var item in Items)
        {
            item.Encode(sb, bytes);
        }
    }

    public override void AssertMatches(RedisResult result)
    {
        Assert.Equal(Prefix switch { '*' => ResultType.Array, '~' => ResultType.Set, '%' => ResultType.Map, _ => ResultType.Push }, result.Resp3Type);
        Assert.Equal(Items.Length, result.Length);
        for (var i = 0; i < Items.Length; i++)
        {
            Items[i].AssertMatches(result[i]);
        }
    }
}

/// <summary>Builds a multi-segment sequence split at the given points, as bytes arrive from a socket.</summary>
internal sealed class Segment : ReadOnlySequenceSegment<byte>
{
    private Segment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] data, IEnumerable<int> cuts)
    {
        var points = cuts.Where(c => c > 0 && c < data.Length).Distinct().Order().ToList();
        if (points.Count == 0)
        {
            return new ReadOnlySequence<byte>(data);
        }
        points.Add(data.Length);
        var first = new Segment(data.AsMemory(0, points[0]), 0);
        var last = first;
        for (var i = 1; i < points.Count; i++)
        {
            var next = new Segment(data.AsMemory(points[i - 1], points[i] - points[i - 1]), points[i - 1]);
            last.Next = next;
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
