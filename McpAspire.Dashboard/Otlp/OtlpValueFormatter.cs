using System.Globalization;
using System.Text;
using Google.Protobuf;
using McpAspire.Dashboard.Otlp.Proto.Common.V1;

namespace McpAspire.Dashboard.Otlp;

/// <summary>Turns OTLP values into the display strings the dashboard stores, with the configured length caps.</summary>
internal static class OtlpValueFormatter
{
    /// <summary>Formats a value; arrays and maps read like JSON, bytes as base64.</summary>
    public static string Format(AnyValue? value, int maxLength)
    {
        if (value is null)
        {
            return "";
        }
        var text = value.ValueCase switch
        {
            AnyValue.ValueOneofCase.StringValue => value.StringValue,
            AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
            AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
            AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue => FormatComposite(value, maxLength),
            _ => "",
        };
        return Truncate(text, maxLength);
    }

    /// <summary>Lower-case hex of an id (empty for none).</summary>
    public static string Hex(ByteString id) => id.Length == 0 ? "" : Convert.ToHexStringLower(id.Span);

    /// <summary>A string cut to the cap, marked with an ellipsis.</summary>
    public static string Truncate(string text, int maxLength) => text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength - 1), "…");

    private static string FormatComposite(AnyValue value, int maxLength)
    {
        var builder = new StringBuilder();
        Append(builder, value, maxLength);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, AnyValue value, int maxLength)
    {
        if (builder.Length > maxLength)
        {
            return;
        }
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.ArrayValue:
                builder.Append('[');
                for (var i = 0; i < value.ArrayValue.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }
                    Append(builder, value.ArrayValue.Values[i], maxLength);
                }
                builder.Append(']');
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                builder.Append('{');
                for (var i = 0; i < value.KvlistValue.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }
                    builder.Append(value.KvlistValue.Values[i].Key).Append(": ");
                    Append(builder, value.KvlistValue.Values[i].Value ?? new AnyValue(), maxLength);
                }
                builder.Append('}');
                break;
            case AnyValue.ValueOneofCase.StringValue:
                builder.Append('"').Append(value.StringValue).Append('"');
                break;
            default:
                builder.Append(Format(value, maxLength));
                break;
        }
    }
}
