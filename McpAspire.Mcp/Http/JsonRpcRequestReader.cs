using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Protocol;

namespace McpAspire.Mcp.Http;

/// <summary>Outcome of reading a POST body: a message, or the HTTP status and JSON-RPC error to answer with.</summary>
internal readonly record struct JsonRpcReadResult(JsonRpcMessage? Message, int StatusCode, int ErrorCode, string? Error, RequestId Id)
{
    public static JsonRpcReadResult Fail(int status, int code, string error, RequestId id = default) => new(null, status, code, error, id);
}

/// <summary>
/// Reads and validates a JSON-RPC POST body before the SDK sees it: size limit (413), nesting limit and well-formed
/// JSON (-32700), a single JSON-RPC 2.0 object with valid <c>id</c>/<c>method</c>/<c>params</c> (-32600), so nothing
/// malformed can surface as an exception (and a 500) further down.
/// </summary>
internal static class JsonRpcRequestReader
{
    public static async Task<JsonRpcReadResult> ReadAsync(HttpRequest request, int maxBytes, int maxDepth, CancellationToken cancellationToken)
    {
        if (request.ContentLength is long declared && declared > maxBytes)
        {
            return JsonRpcReadResult.Fail(StatusCodes.Status413PayloadTooLarge, JsonRpcErrorCodes.InvalidRequest, $"Payload Too Large: the body exceeds {maxBytes} bytes.");
        }
        var reader = request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return JsonRpcReadResult.Fail(StatusCodes.Status413PayloadTooLarge, JsonRpcErrorCodes.InvalidRequest, $"Payload Too Large: the body exceeds {maxBytes} bytes.");
            }
            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        try
        {
            return Parse(read.Buffer, maxDepth);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    internal static JsonRpcReadResult Parse(ReadOnlySequence<byte> body, int maxDepth)
    {
        if (body.IsEmpty)
        {
            return JsonRpcReadResult.Fail(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.ParseError, "Parse error: the body is empty.");
        }
        var shape = default(Shape);
        try
        {
            var json = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow });
            if (!json.Read())
            {
                return JsonRpcReadResult.Fail(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.ParseError, "Parse error: the body is empty.");
            }
            if (json.TokenType == JsonTokenType.StartArray)
            {
                json.Skip();
                EnsureEnd(ref json);
                return JsonRpcReadResult.Fail(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: JSON-RPC batches are not supported (removed in MCP 2025-06-18).");
            }
            if (json.TokenType != JsonTokenType.StartObject)
            {
                json.Skip();
                EnsureEnd(ref json);
                return JsonRpcReadResult.Fail(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: the body must be a JSON-RPC object.");
            }
            shape = ReadShape(ref json);
            EnsureEnd(ref json);
        }
        catch (JsonException ex)
        {
            return JsonRpcReadResult.Fail(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.ParseError, "Parse error: " + FirstLine(ex.Message));
        }

        if (shape.Problem is { } problem)
        {
            return JsonRpcReadResult.Fail(StatusCodes.Status400BadRequest, shape.ProblemCode, problem, shape.Id);
        }
        JsonRpcMessage? message;
        try
        {
            var json = new Utf8JsonReader(body);
            message = JsonSerializer.Deserialize(ref json, Events.SdkEventStreamStore.MessageTypeInfo);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            return JsonRpcReadResult.Fail(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: " + FirstLine(ex.Message), shape.Id);
        }
        return message is null
            ? JsonRpcReadResult.Fail(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: the body is not a JSON-RPC message.", shape.Id)
            : new JsonRpcReadResult(message, 200, 0, null, shape.Id);
    }

    private static void EnsureEnd(ref Utf8JsonReader json)
    {
        if (json.Read())
        {
            throw new JsonException("unexpected data after the JSON value.");
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private struct Shape
    {
        public RequestId Id;
        public bool HasId;
        public bool HasMethod;
        public bool HasResult;
        public bool HasError;
        public string? Problem;
        public int ProblemCode;

        public void Fail(string problem, int code = JsonRpcErrorCodes.InvalidRequest)
        {
            Problem ??= problem;
            if (ProblemCode == 0)
            {
                ProblemCode = code;
            }
        }
    }

    private static Shape ReadShape(ref Utf8JsonReader json)
    {
        var shape = default(Shape);
        var version = false;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            var name = json.ValueSpan;
            json.Read();
            if (name.SequenceEqual("jsonrpc"u8))
            {
                version = json.TokenType == JsonTokenType.String && json.ValueTextEquals("2.0"u8);
            }
            else if (name.SequenceEqual("id"u8))
            {
                shape.HasId = true;
                switch (json.TokenType)
                {
                    case JsonTokenType.String:
                        shape.Id = new RequestId(json.GetString()!);
                        break;
                    case JsonTokenType.Number when json.TryGetInt64(out var number):
                        shape.Id = new RequestId(number);
                        break;
                    case JsonTokenType.Null:
                        shape.Fail("Invalid Request: id must not be null.");
                        break;
                    default:
                        shape.Fail("Invalid Request: id must be a string or an integer.");
                        break;
                }
            }
            else if (name.SequenceEqual("method"u8))
            {
                shape.HasMethod = true;
                if (json.TokenType != JsonTokenType.String || json.ValueSpan.IsEmpty && !json.ValueIsEscaped)
                {
                    shape.Fail("Invalid Request: method must be a non-empty string.");
                }
            }
            else if (name.SequenceEqual("params"u8))
            {
                if (json.TokenType == JsonTokenType.StartArray)
                {
                    shape.Fail("Invalid params: MCP params must be an object.", JsonRpcErrorCodes.InvalidParams);
                }
                else if (json.TokenType != JsonTokenType.StartObject)
                {
                    shape.Fail("Invalid Request: params must be an object.");
                }
            }
            else if (name.SequenceEqual("result"u8))
            {
                shape.HasResult = true;
            }
            else if (name.SequenceEqual("error"u8))
            {
                shape.HasError = true;
                if (json.TokenType != JsonTokenType.StartObject)
                {
                    shape.Fail("Invalid Request: error must be an object.");
                }
            }
            json.Skip();
        }
        if (!version)
        {
            shape.Fail("Invalid Request: jsonrpc must be \"2.0\".");
        }
        if (shape.HasMethod && (shape.HasResult || shape.HasError))
        {
            shape.Fail("Invalid Request: a message cannot carry both method and result/error.");
        }
        else if (!shape.HasMethod)
        {
            if (!shape.HasResult && !shape.HasError)
            {
                shape.Fail("Invalid Request: method is required.");
            }
            else if (shape.HasResult && shape.HasError)
            {
                shape.Fail("Invalid Request: a response cannot carry both result and error.");
            }
            else if (!shape.HasId)
            {
                shape.Fail("Invalid Request: a response must carry an id.");
            }
        }
        return shape;
    }
}
