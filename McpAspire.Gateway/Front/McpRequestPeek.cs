using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace McpAspire.Gateway.Front;

/// <summary>
/// A client's JSON-RPC POST to the MCP paths, read once ahead of the SDK for the gateway's middleware (rate limits, the
/// initialize check, the 2026-07-28 forwarder): the body is buffered and handed on unchanged. Bodies over the front's
/// limit get 413 here; a body that is not one JSON object (or a batch array) is left to the SDK to answer.
/// </summary>
internal sealed class McpRequestPeek
{
    /// <summary>Largest accepted request body (4 MiB): larger bodies get 413.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    private static readonly object s_key = new();

    private McpRequestPeek(JsonObject message)
    {
        Message = message;
        Method = message["method"] is JsonValue m && m.TryGetValue(out string? method) ? method : null;
        Params = message["params"] as JsonObject;
        Id = message["id"];
    }

    /// <summary>The parsed message (a batch's first message).</summary>
    public JsonObject Message { get; }

    /// <summary>Every message of the body (one, or a batch's).</summary>
    public IReadOnlyList<McpRequestPeek> All { get; private set; } = [];

    /// <summary>The JSON-RPC method; null for a client's response.</summary>
    public string? Method { get; }

    /// <summary>The <c>params</c> object, or null.</summary>
    public JsonObject? Params { get; }

    /// <summary>The id; null for a notification.</summary>
    public JsonNode? Id { get; }

    /// <summary>True for a notification (a method and no id).</summary>
    public bool IsNotification => Method is not null && !Message.ContainsKey("id");

    /// <summary>A string member of <c>params</c> (<c>name</c>, <c>uri</c>), or null.</summary>
    public string? StringParam(string key) =>
        Params?[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>The peek of this request, once <see cref="McpRequestPeekMiddleware"/> ran (null: not a readable JSON-RPC POST).</summary>
    public static McpRequestPeek? Of(HttpContext context) => context.Items.TryGetValue(s_key, out var peek) ? peek as McpRequestPeek : null;

    /// <summary>Buffers and parses the body; null when it is not JSON-RPC the gateway can read.</summary>
    public static async Task<McpRequestPeek?> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering(MaxBodyBytes);
        McpRequestPeek? peek = null;
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (node is JsonObject single)
            {
                peek = new McpRequestPeek(single);
                peek.All = [peek];
            }
            else if (node is JsonArray { Count: > 0 } batch && batch.All(n => n is JsonObject))
            {
                var all = batch.Select(n => new McpRequestPeek((JsonObject)n!)).ToList();
                peek = all[0];
                peek.All = all;
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // Malformed or duplicate keys: the SDK answers it.
        }
        request.Body.Position = 0;
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
