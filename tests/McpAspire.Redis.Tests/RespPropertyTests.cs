using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using McpAspire.Redis.Protocol;

namespace McpAspire.Redis.Tests;

/// <summary>FsCheck properties: the encoder and the parser agree, frames split anywhere parse the same, junk never crashes.</summary>
public sealed class RespPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static Gen<byte[]> Bytes => ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? []);

    private static Gen<string> LineText => Gen.Elements("OK", "PONG", "QUEUED", "héllo", "", "a b c", "ERR something went wrong", "x:y")
        .Select(s => s);

    private static Gen<RespNode> Scalar => Gen.OneOf(
        LineText.Select(s => (RespNode)new SimpleNode(s)),
        LineText.Select(s => (RespNode)new ErrorNode("ERR " + s)),
        ArbMap.Default.GeneratorFor<long>().Select(l => (RespNode)new IntegerNode(l)),
        Bytes.Select(b => (RespNode)new BulkNode(b)),
        Gen.Elements('$', '*', '_').Select(c => (RespNode)new NullNode(c)),
        ArbMap.Default.GeneratorFor<NormalFloat>().Select(f => (RespNode)new DoubleNode(f.Get)),
        ArbMap.Default.GeneratorFor<bool>().Select(b => (RespNode)new BooleanNode(b)));

    private static Gen<RespNode> Node(int depth) => depth <= 0
        ? Scalar
        : Gen.OneOf(
            Scalar,
            Scalar,
            Gen.Sized(size => Gen.Choose(0, Math.Min(size, 6)))
                .SelectMany(n => Node(depth - 1).ArrayOf(n))
                .SelectMany(items => Gen.Elements('*', '~', '>').Select(p => (RespNode)new AggregateNode(p, items))),
            Gen.Choose(0, 3)
                .SelectMany(n => Node(depth - 1).ArrayOf(n * 2))
                .Select(items => (RespNode)new AggregateNode('%', items)));

    private static Gen<(RespNode Node, int[] Cuts)> NodeWithCuts =>
        Node(3).SelectMany(node => Gen.Choose(0, 4096).ArrayOf(Gen.Choose(0, 12).Sample(1)[0]).Select(cuts => (node, cuts)));

    [Fact]
    public void Any_reply_split_anywhere_parses_to_the_same_value_and_ends_exactly()
    {
        Check.One(Config, Prop.ForAll(NodeWithCuts.ToArbitrary(), tuple =>
        {
            var bytes = tuple.Node.ToBytes();
            var cuts = tuple.Cuts.Select(c => c % (bytes.Length + 1)).ToArray();
            var sequence = Segment.Split(bytes, cuts);
            Assert.True(RespParser.TryGetFrameEnd(sequence, out var end));
            Assert.Equal(bytes.Length, sequence.Slice(0, end).Length);
            tuple.Node.AssertMatches(RespFrame.Parse(sequence.Slice(0, end)).ToResult());
        }));
    }

    [Fact]
    public void Resuming_scanner_finds_the_same_end_when_bytes_arrive_in_pieces()
    {
        Check.One(Config, Prop.ForAll(NodeWithCuts.ToArbitrary(), tuple =>
        {
            var first = tuple.Node.ToBytes();
            // A second frame right behind must not be swallowed into the first.
            var bytes = first.Concat(new IntegerNode(7).ToBytes()).ToArray();
            var arrivals = tuple.Cuts.Select(c => c % (bytes.Length + 1)).Where(c => c > 0).Append(bytes.Length).Distinct().Order();
            var scanner = new FrameScanner();
            long found = -1;
            foreach (var arrived in arrivals)
            {
                var sequence = Segment.Split(bytes[..arrived], tuple.Cuts);
                if (scanner.TryFindEnd(sequence, out var end))
                {
                    found = sequence.Slice(0, end).Length;
                    break;
                }
            }
            Assert.Equal(first.Length, found);
            // The scanner is ready for the next frame.
            var rest = new ReadOnlySequence<byte>(bytes, first.Length, bytes.Length - first.Length);
            Assert.True(scanner.TryFindEnd(rest, out var next));
            Assert.Equal(rest.Length, rest.Slice(0, next).Length);
        }));
    }

    [Fact]
    public void No_proper_prefix_of_a_reply_counts_as_complete()
    {
        Check.One(Config, Prop.ForAll(Node(3).ToArbitrary(), node =>
        {
            var bytes = node.ToBytes();
            for (var length = 0; length < bytes.Length; length++)
            {
                Assert.False(RespParser.TryGetFrameEnd(new ReadOnlySequence<byte>(bytes, 0, length), out _));
            }
        }));
    }

    [Fact]
    public void Encoded_commands_parse_back_to_their_arguments()
    {
        var arg = Gen.OneOf(
            Bytes.Select(b => (RedisValue)b),
            ArbMap.Default.GeneratorFor<long>().Select(l => (RedisValue)l),
            ArbMap.Default.GeneratorFor<NormalFloat>().Select(f => (RedisValue)f.Get),
            ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => (RedisValue)s.Get));
        Check.One(Config, Prop.ForAll(arg.ListOf().Select(l => l.ToArray()).ToArbitrary(), args =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            RespWriter.WriteCommand(buffer, RedisCommand.Set, args);
            var sequence = new ReadOnlySequence<byte>(buffer.WrittenMemory);
            Assert.True(RespParser.TryGetFrameEnd(sequence, out var end));
            Assert.Equal(buffer.WrittenCount, sequence.Slice(0, end).Length);
            var frame = RespFrame.Parse(sequence);
            Assert.Equal(ResultType.Array, frame.Type);
            Assert.Equal(args.Length + 1, frame.Count);
            var items = frame.Children();
            Assert.Equal("SET", items.Next().GetString());
            foreach (var expected in args)
            {
                var actual = items.Next();
                Assert.Equal(ResultType.BulkString, actual.Type);
                Assert.Equal(expected.ToByteArray() ?? [], actual.Payload.ToArray());
                if (expected.Kind == RedisValue.StorageKind.Double)
                {
                    Assert.Equal((double)expected, (double)actual.ToRedisValue());
                }
            }
        }));
    }

    [Fact]
    public void Arbitrary_bytes_either_parse_need_more_or_raise_a_protocol_error()
    {
        var junk = Gen.OneOf(
            Bytes,
            Gen.Elements("*", "$", ":", "+", "-", "%", "~", ">", "|", "_", ",", "#", "(", "!", "=", "\r\n", "-1", "3", "99999999999", "abc", "\r", "\n")
                .ListOf().Select(parts => Encoding.ASCII.GetBytes(string.Concat(parts))));
        Check.One(Config, Prop.ForAll(junk.ToArbitrary(), bytes =>
        {
            try
            {
                var sequence = new ReadOnlySequence<byte>(bytes);
                var scanned = new FrameScanner().TryFindEnd(sequence, out var scannedEnd);
                if (RespParser.TryGetFrameEnd(sequence, out var end))
                {
                    Assert.True(scanned);
                    Assert.Equal(sequence.GetOffset(end), sequence.GetOffset(scannedEnd));
                    var frame = RespFrame.Parse(sequence.Slice(0, end));
                    _ = frame.IsAggregate ? frame.Count : 0;
                }
                else
                {
                    Assert.False(scanned);
                }
            }
            catch (RedisProtocolException)
            {
                // the only acceptable failure
            }
        }));
    }

    [Fact]
    public void Values_convert_between_representations_without_loss()
    {
        Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<long>(), l =>
        {
            RedisValue fromLong = l;
            RedisValue fromText = l.ToString(System.Globalization.CultureInfo.InvariantCulture);
            RedisValue fromBytes = Encoding.ASCII.GetBytes(l.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(l, (long)fromText);
            Assert.Equal(l, (long)fromBytes);
            Assert.Equal(fromLong, fromText);
            Assert.Equal(fromLong.GetHashCode(), fromText.GetHashCode());
            Assert.Equal(fromText, fromBytes);
            Assert.Equal(fromText.GetHashCode(), fromBytes.GetHashCode());
        }));
    }
}
