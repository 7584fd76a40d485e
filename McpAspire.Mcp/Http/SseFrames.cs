using System.Buffers;
using System.Globalization;
using System.Text;

namespace McpAspire.Mcp.Http;

/// <summary>Writes Server-Sent Events frames (<c>id</c>, <c>retry</c>, <c>event: message</c>, <c>data</c>) straight into a buffer.</summary>
internal static class SseFrames
{
    public static void Write(IBufferWriter<byte> output, string? eventId, ReadOnlySpan<byte> data, TimeSpan? retry)
    {
        if (eventId is not null)
        {
            Append(output, "id: "u8);
            Append(output, Encoding.UTF8.GetBytes(eventId));
            Append(output, "\n"u8);
        }
        if (retry is { } r)
        {
            Append(output, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"retry: {(long)r.TotalMilliseconds}\n")));
        }
        Append(output, "event: message\ndata: "u8);
        // Serialized JSON has no raw newlines (they are escaped inside strings), so one data line suffices.
        Append(output, data);
        Append(output, "\n\n"u8);
    }

    private static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }
}
