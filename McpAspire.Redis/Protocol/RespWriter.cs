using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace McpAspire.Redis.Protocol;

/// <summary>Encodes commands as RESP arrays of bulk strings straight into a buffer writer (no intermediate strings).</summary>
internal static class RespWriter
{
    private const int MaxNumberLength = 24;

    /// <summary>Writes <c>*N\r\n</c>, the command name and each argument.</summary>
    public static void WriteCommand(IBufferWriter<byte> writer, RedisCommand command, ReadOnlySpan<RedisValue> args)
    {
        WriteLengthLine(writer, (byte)'*', args.Length + 1);
        writer.Write(command.Encoded);
        foreach (ref readonly var arg in args)
        {
            WriteArgument(writer, arg);
        }
    }

    /// <summary>Writes one bulk string argument.</summary>
    public static void WriteArgument(IBufferWriter<byte> writer, in RedisValue value)
    {
        switch (value.Kind)
        {
            case RedisValue.StorageKind.Bytes:
                WriteBulk(writer, value.ByteSpan);
                break;
            case RedisValue.StorageKind.String:
                WriteBulkString(writer, (string)value.Object!);
                break;
            case RedisValue.StorageKind.Int64:
            {
                Span<byte> digits = stackalloc byte[MaxNumberLength];
                Utf8Formatter.TryFormat(value.Bits, digits, out var n);
                WriteBulk(writer, digits[..n]);
                break;
            }
            case RedisValue.StorageKind.Double:
            {
                var d = BitConverter.Int64BitsToDouble(value.Bits);
                Span<byte> digits = stackalloc byte[40];
                int n;
                if (double.IsPositiveInfinity(d))
                {
                    "+inf"u8.CopyTo(digits);
                    n = 4;
                }
                else if (double.IsNegativeInfinity(d))
                {
                    "-inf"u8.CopyTo(digits);
                    n = 4;
                }
                else if (!d.TryFormat(digits, out n, "R", CultureInfo.InvariantCulture))
                {
                    throw new ArgumentException($"Cannot format {d} as a Redis number.");
                }
                WriteBulk(writer, digits[..n]);
                break;
            }
            default:
                // StackExchange.Redis sends null as an empty string; so do we.
                WriteBulk(writer, []);
                break;
        }
    }

    private static void WriteBulkString(IBufferWriter<byte> writer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLengthLine(writer, (byte)'$', length);
        var span = writer.GetSpan(length + 2);
        var written = Encoding.UTF8.GetBytes(value, span);
        span[written] = (byte)'\r';
        span[written + 1] = (byte)'\n';
        writer.Advance(written + 2);
    }

    private static void WriteBulk(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        WriteLengthLine(writer, (byte)'$', value.Length);
        var span = writer.GetSpan(value.Length + 2);
        value.CopyTo(span);
        span[value.Length] = (byte)'\r';
        span[value.Length + 1] = (byte)'\n';
        writer.Advance(value.Length + 2);
    }

    private static void WriteLengthLine(IBufferWriter<byte> writer, byte prefix, long length)
    {
        var span = writer.GetSpan(MaxNumberLength + 3);
        span[0] = prefix;
        Utf8Formatter.TryFormat(length, span[1..], out var n);
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        writer.Advance(n + 3);
    }
}
