using System.Text;

namespace McpAspire.ServiceDefaults.Tests;

/// <summary>
/// Just enough of the protobuf wire format to read span names and string/int attributes out of an OTLP
/// <c>ExportTraceServiceRequest</c> (field numbers from opentelemetry-proto trace/v1).
/// </summary>
internal static class OtlpTraceDecoder
{
    public sealed record Span(string Name, IReadOnlyDictionary<string, string> Attributes);

    public static List<Span> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<Span>();
        foreach (var resourceSpans in Fields(request, 1)) // resource_spans
        {
            foreach (var scopeSpans in Fields(resourceSpans, 2)) // scope_spans
            {
                foreach (var span in Fields(scopeSpans, 2)) // spans
                {
                    var name = Fields(span, 5).Select(b => Encoding.UTF8.GetString(b)).FirstOrDefault() ?? "";
                    var attributes = new Dictionary<string, string>();
                    foreach (var kv in Fields(span, 9))
                    {
                        var key = Encoding.UTF8.GetString(Fields(kv, 1).First());
                        var any = Fields(kv, 2).FirstOrDefault();
                        attributes[key] = any is null ? "" : AnyValueToString(any);
                    }
                    spans.Add(new Span(name, attributes));
                }
            }
        }
        return spans;
    }

    private static string AnyValueToString(byte[] any)
    {
        var pos = 0;
        while (pos < any.Length)
        {
            var tag = ReadVarint(any, ref pos);
            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            if (wire == 2)
            {
                var len = (int)ReadVarint(any, ref pos);
                var value = any.AsSpan(pos, len);
                pos += len;
                if (field == 1)
                {
                    return Encoding.UTF8.GetString(value);
                }
            }
            else if (wire == 0)
            {
                var v = ReadVarint(any, ref pos);
                return field == 2 ? (v != 0).ToString() : ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (wire == 1)
            {
                var d = BitConverter.ToDouble(any, pos);
                pos += 8;
                return d.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                break;
            }
        }
        return "";
    }

    private static List<byte[]> Fields(ReadOnlySpan<byte> message, int wanted)
    {
        var result = new List<byte[]>();
        var buffer = message.ToArray();
        var pos = 0;
        while (pos < buffer.Length)
        {
            var tag = ReadVarint(buffer, ref pos);
            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    ReadVarint(buffer, ref pos);
                    break;
                case 1:
                    pos += 8;
                    break;
                case 2:
                    var len = (int)ReadVarint(buffer, ref pos);
                    if (field == wanted)
                    {
                        result.Add(buffer.AsSpan(pos, len).ToArray());
                    }
                    pos += len;
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    throw new FormatException($"Unsupported wire type in tag {tag}.");
            }
        }
        return result;
    }

    private static ulong ReadVarint(byte[] buffer, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = buffer[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw new FormatException("Varint too long.");
    }
}
