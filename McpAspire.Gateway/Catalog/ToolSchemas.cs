using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Catalog;

/// <summary>
/// Makes a downstream tool's schemas acceptable to every client: a property whose schema is a boolean (<c>true</c> =
/// any value, <c>false</c> = none; valid JSON Schema 2020-12, but the TypeScript SDK rejects the whole tool list over
/// one) becomes the equivalent object schema (<c>{}</c> or <c>{"not":{}}</c>). One server's schema must not stop a
/// client from listing every other server's tools.
/// </summary>
public static class ToolSchemas
{
    /// <summary>The tool itself when its schemas need nothing, else a copy with object schemas for boolean properties.</summary>
    public static Tool Normalize(Tool tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        if (!HasBooleanProperty(tool.InputSchema) && !(tool.OutputSchema is { } output && HasBooleanProperty(output)))
        {
            return tool;
        }
        var copy = JsonSerializer.Deserialize<Tool>(JsonSerializer.SerializeToUtf8Bytes(tool, McpJsonUtilities.DefaultOptions), McpJsonUtilities.DefaultOptions)!;
        copy.InputSchema = Normalize(copy.InputSchema);
        if (copy.OutputSchema is { } schema)
        {
            copy.OutputSchema = Normalize(schema);
        }
        return copy;
    }

    private static bool HasBooleanProperty(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
        && schema.TryGetProperty("properties", out var properties)
        && properties.ValueKind == JsonValueKind.Object
        && properties.EnumerateObject().Any(p => p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False);

    private static JsonElement Normalize(JsonElement schema)
    {
        if (!HasBooleanProperty(schema))
        {
            return schema;
        }
        var node = JsonNode.Parse(schema.GetRawText())!.AsObject();
        var properties = node["properties"]!.AsObject();
        foreach (var name in properties.Select(p => p.Key).ToList())
        {
            if (properties[name] is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                properties[name] = value.GetValueKind() == JsonValueKind.True ? new JsonObject() : new JsonObject { ["not"] = new JsonObject() };
            }
        }
        return JsonSerializer.SerializeToElement(node, McpJsonUtilities.DefaultOptions);
    }
}
