using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpAspire.SessionSharing;

/// <summary>JSON shapes the gate writes: SSE event data (a JSON-RPC message, or nothing for a priming event) and errors.</summary>
internal static class SseMessages
{
    internal static readonly JsonTypeInfo<JsonRpcError> ErrorTypeInfo =
        (JsonTypeInfo<JsonRpcError>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcError));

    /// <summary><c>{"reason": …}</c> for an error's data.</summary>
    internal static JsonElement Reason(string reason)
    {
        using var doc = JsonDocument.Parse("{\"reason\":" + JsonSerializer.Serialize(reason, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(string))) + "}");
        return doc.RootElement.Clone();
    }

    /// <summary>Writes an item's data as the SDK does: the message's JSON, or nothing (priming events).</summary>
    public static void Format(SseItem<JsonRpcMessage?> item, IBufferWriter<byte> writer)
    {
        if (item.Data is null)
        {
            return;
        }
        using var json = new Utf8JsonWriter(writer);
        JsonSerializer.Serialize(json, item.Data, RedisEventStreamStore.MessageTypeInfo);
    }
}
