using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Forwarding;

/// <summary>
/// The <c>Mcp-Param-*</c> headers (SEP-2243) a 2026-07-28 server expects with a call of one of its tools: every
/// input-schema property marked <c>x-mcp-header: Name</c> is mirrored into <c>Mcp-Param-Name</c> when the argument
/// has a value. Worked out once per tool (most tools have none) and kept with the tool object.
/// </summary>
internal sealed class ToolParamHeaders
{
    private static readonly ConditionalWeakTable<Tool, ToolParamHeaders> s_plans = [];
    private static readonly ToolParamHeaders s_none = new([]);
    private readonly (string[] Path, string Header)[] _headers;

    private ToolParamHeaders((string[] Path, string Header)[] headers) => _headers = headers;

    /// <summary>The plan for <paramref name="tool"/>.</summary>
    public static ToolParamHeaders For(Tool tool) => s_plans.GetValue(tool, static t => Build(t.InputSchema));

    /// <summary>Adds the headers this call's arguments call for.</summary>
    public void Apply(HttpRequestMessage request, JsonElement arguments)
    {
        foreach (var (path, header) in _headers)
        {
            var value = arguments;
            foreach (var name in path)
            {
                value = value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var member) ? member : default;
            }
            // Rare (only tools that declare x-mcp-header): the SDK's encoder takes a node.
            if (value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null)
                && McpHeaderEncoder.ConvertToHeaderValue(JsonNode.Parse(value.GetRawText())!) is { } encoded)
            {
                request.Headers.TryAddWithoutValidation("Mcp-Param-" + header, encoded);
            }
        }
    }

    private static ToolParamHeaders Build(JsonElement schema)
    {
        var found = new List<(string[] Path, string Header)>();
        Collect(schema, [], found);
        return found.Count == 0 ? s_none : new ToolParamHeaders([.. found]);
    }

    private static void Collect(JsonElement schema, string[] path, List<(string[] Path, string Header)> found)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (var property in properties.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            string[] propertyPath = [.. path, property.Name];
            if (property.Value.TryGetProperty("x-mcp-header", out var header) && header.ValueKind == JsonValueKind.String && header.GetString() is { Length: > 0 } name)
            {
                found.Add((propertyPath, name));
            }
            Collect(property.Value, propertyPath, found);
        }
    }
}
