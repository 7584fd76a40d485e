using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace McpAspire.Gateway.Front;

/// <summary>
/// A client's JSON-RPC POST to the MCP paths, read once ahead of the SDK for the gateway's middleware (rate limits, the
/// 2026-07-28 forwarder): the body is read into a pooled buffer, parsed as a <see cref="JsonDocument"/> (no object
/// tree: the forwarded path allocates next to nothing for it), and handed on unchanged as a seekable stream over the
/// same bytes. Bodies over the front's limit get 413 here; a body that is not one JSON object (or a batch array), or
/// has duplicate keys, is left to the SDK to answer. Buffer and document are released when the response completes.
/// </summary>
internal sealed class McpRequestPeek
{
    /// <summary>Largest accepted request body (4 MiB): larger bodies get 413.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    private static readonly object s_key = new();
    // Duplicate keys are refused while parsing, as the SDK refuses them.
    private static readonly JsonDocumentOptions s_parse = new() { AllowDuplicateProperties = false };

    private McpRequestPeek(JsonElement message)
    {
        Message = message;
        Method = message.TryGetProperty("method"u8, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        Params = message.TryGetProperty("params"u8, out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        HasParams = p.ValueKind != JsonValueKind.Undefined;
        Id = message.TryGetProperty("id"u8, out var id) ? id : default;
    }

    /// <summary>The message (a batch's first message).</summary>
    public JsonElement Message { get; }

    /// <summary>Every message of the body (one, or a batch's).</summary>
    public IReadOnlyList<McpRequestPeek> All { get; private set; } = [];

    /// <summary>The JSON-RPC method; null for a client's response.</summary>
    public string? Method { get; }

    /// <summary>The <c>params</c> object (<see cref="JsonValueKind.Undefined"/> when absent or not an object).</summary>
    public JsonElement Params { get; }

    /// <summary>True when the message has a <c>params</c> member of any kind.</summary>
    public bool HasParams { get; }

    /// <summary>The id (<see cref="JsonValueKind.Undefined"/> for a notification).</summary>
    public JsonElement Id { get; }

    /// <summary>True for a notification (a method and no id).</summary>
    public bool IsNotification => Method is not null && Id.ValueKind == JsonValueKind.Undefined;

    /// <summary>The id as a node for an error answer (null when there is none).</summary>
    public JsonNode? IdNode() => Id.ValueKind is JsonValueKind.String or JsonValueKind.Number ? JsonValue.Create(Id) : null;

    /// <summary>A string member of <c>params</c> (<c>name</c>, <c>uri</c>), or null.</summary>
    public string? StringParam(string key) =>
        Params.ValueKind == JsonValueKind.Object && Params.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The peek of this request, once <see cref="McpRequestPeekMiddleware"/> ran (null: not a readable JSON-RPC POST).</summary>
    public static McpRequestPeek? Of(HttpContext context) => context.Items.TryGetValue(s_key, out var peek) ? peek as McpRequestPeek : null;

    /// <summary>Reads and parses the body; null when it is not JSON-RPC the gateway can read.</summary>
    public static async Task<McpRequestPeek?> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await RequestBody.ReadAsync(request.Body, request.ContentLength, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        context.Response.RegisterForDispose(body);
        // The SDK (and anything after) reads the same bytes again.
        request.Body = new MemoryStream(body.Array, 0, body.Length, writable: false);
        McpRequestPeek? peek = null;
        try
        {
            var document = JsonDocument.Parse(body.Memory, s_parse);
            context.Response.RegisterForDispose(document);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                peek = new McpRequestPeek(root);
                peek.All = [peek];
            }
            else if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 && root.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object))
            {
                var all = root.EnumerateArray().Select(e => new McpRequestPeek(e)).ToList();
                peek = all[0];
                peek.All = all;
            }
        }
        catch (JsonException)
        {
            // Malformed or duplicate keys: the SDK answers it.
            peek = null;
        }
        if (peek is not null)
        {
            context.Items[s_key] = peek;
        }
        return peek;
    }

    /// <summary>Caps the body size of the request (413 when exceeded) before anything reads it.</summary>
    public static bool LimitBody(HttpContext context)
    {
        if (context.Request.ContentLength is > MaxBodyBytes)
        {
            return false;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }
        return true;
    }
}
