using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Protocol;

namespace McpAspire.Mcp.Http;

/// <summary>Writes a JSON-RPC error object as the body of an HTTP error response.</summary>
internal static class JsonRpcErrorWriter
{
    public static async Task WriteAsync(HttpContext context, int statusCode, int code, string message, RequestId id = default, Action<Utf8JsonWriter>? writeData = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        var buffer = Serialize(code, message, id, writeData);
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The error message as JSON (<c>{"jsonrpc":"2.0","id":…,"error":{…}}</c>).</summary>
    public static ArrayBufferWriter<byte> Serialize(int code, string message, RequestId id, Action<Utf8JsonWriter>? writeData = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        WriteId(writer, id);
        writer.WriteStartObject("error");
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        if (writeData is not null)
        {
            writer.WritePropertyName("data");
            writeData(writer);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return buffer;
    }

    public static void WriteId(Utf8JsonWriter writer, RequestId id)
    {
        switch (id.Id)
        {
            case string s:
                writer.WriteString("id", s);
                break;
            case long l:
                writer.WriteNumber("id", l);
                break;
            default:
                writer.WriteNull("id");
                break;
        }
    }
}
