using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Front;

/// <summary>
/// The gateway's own JSON-RPC error answers on the MCP paths (session not found, rate limited, body too large, a
/// forwarded request that failed): <c>{"jsonrpc":"2.0","id":…,"error":{"code","message","data"}}</c> as a JSON body, or
/// one more SSE event when an event stream is already under way.
/// </summary>
internal static class JsonRpcErrorResponse
{
    /// <summary>Writes the error as the response (nothing when the response has started).</summary>
    public static async Task WriteAsync(HttpContext context, int statusCode, int code, string message, JsonNode? id = null, JsonNode? data = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        var buffer = Serialize(code, message, id, data);
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The error message as JSON.</summary>
    public static ArrayBufferWriter<byte> Serialize(int code, string message, JsonNode? id, JsonNode? data = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        if (id is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            id.WriteTo(writer);
        }
        writer.WriteStartObject("error");
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        if (data is not null)
        {
            writer.WritePropertyName("data");
            data.WriteTo(writer);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return buffer;
    }

    /// <summary>The id as a node (null for a notification or an id the SDK type cannot hold).</summary>
    public static JsonNode? IdNode(RequestId id) => id.Id switch
    {
        string s => JsonValue.Create(s),
        long l => JsonValue.Create(l),
        _ => null,
    };

    /// <summary>One SSE event (<c>event: message</c>) carrying <paramref name="json"/>.</summary>
    public static void WriteSseEvent(IBufferWriter<byte> output, ReadOnlySpan<byte> json)
    {
        Append(output, "event: message\ndata: "u8);
        // Serialized JSON has no raw newlines (they are escaped inside strings), so one data line suffices.
        Append(output, json);
        Append(output, "\n\n"u8);
    }

    private static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }

    /// <summary>UTF-8 of a string (for tests and logs).</summary>
    public static string Text(ArrayBufferWriter<byte> buffer) => Encoding.UTF8.GetString(buffer.WrittenSpan);
}
