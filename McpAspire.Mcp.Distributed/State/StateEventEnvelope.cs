using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using McpAspire.Mcp.Events;

namespace McpAspire.Mcp.Distributed.State;

/// <summary>
/// How an endpoint event is kept in the state service's event log: <c>{"m": message, "r": retryMs}</c> for a message,
/// <c>{"r": retryMs}</c> (or <c>{}</c>) for a priming event, <c>{"end": true}</c> for a completed stream. The message is
/// embedded as JSON, not as a string, so the log stays readable and the bytes are copied once.
/// </summary>
internal static class StateEventEnvelope
{
    public static JsonDocument Message(ReadOnlySpan<byte> message, TimeSpan? retryAfter)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Length + 32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (!message.IsEmpty)
            {
                writer.WritePropertyName("m"u8);
                writer.WriteRawValue(message, skipInputValidation: true);
            }
            if (retryAfter is { } r)
            {
                writer.WriteNumber("r"u8, (long)r.TotalMilliseconds);
            }
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    public static JsonDocument End() => JsonDocument.Parse("{\"end\":true}"u8.ToArray());

    /// <summary>Decodes a logged event; false when it marks the end of its stream.</summary>
    public static bool TryDecode(long id, JsonElement data, out McpStoredEvent stored)
    {
        stored = default;
        if (data.ValueKind != JsonValueKind.Object)
        {
            // Not written by this store; pass it through as the message itself.
            stored = new McpStoredEvent(id, JsonMarshal.GetRawUtf8Value(data).ToArray(), null);
            return true;
        }
        if (data.TryGetProperty("end"u8, out _))
        {
            return false;
        }
        ReadOnlyMemory<byte> message = data.TryGetProperty("m"u8, out var m) ? JsonMarshal.GetRawUtf8Value(m).ToArray() : ReadOnlyMemory<byte>.Empty;
        TimeSpan? retry = data.TryGetProperty("r"u8, out var r) && r.TryGetInt64(out var ms) ? TimeSpan.FromMilliseconds(ms) : null;
        stored = new McpStoredEvent(id, message, retry);
        return true;
    }
}
