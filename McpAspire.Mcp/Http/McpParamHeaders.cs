using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Mcp.Http;

/// <summary>
/// 2026-07-28 (SEP-2243) custom routing headers: a tool argument whose input-schema property carries
/// <c>x-mcp-header: Name</c> is mirrored into <c>Mcp-Param-Name</c>. When the body has a non-null value the header
/// must be present, decodable (plain or <c>=?base64?…?=</c>) and equal to it (integers compared as numbers).
/// </summary>
internal static class McpParamHeaders
{
    public const string Prefix = "Mcp-Param-";

    public static string? Check(IHeaderDictionary headers, JsonNode? parameters, McpServerPrimitiveCollection<McpServerTool>? tools)
    {
        if (tools is null || parameters is not JsonObject call || call["name"] is not JsonValue nameValue || !nameValue.TryGetValue(out string? name)
            || !tools.TryGetPrimitive(name, out var tool))
        {
            return null;
        }
        var schema = tool.ProtocolTool.InputSchema;
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        return CheckProperties(headers, properties, call["arguments"] as JsonObject);
    }

    private static string? CheckProperties(IHeaderDictionary headers, JsonElement properties, JsonObject? arguments)
    {
        foreach (var property in properties.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            var argument = arguments?[property.Name];
            if (property.Value.TryGetProperty("properties", out var nested) && nested.ValueKind == JsonValueKind.Object
                && CheckProperties(headers, nested, argument as JsonObject) is { } nestedProblem)
            {
                return nestedProblem;
            }
            if (!property.Value.TryGetProperty("x-mcp-header", out var headerName) || headerName.GetString() is not { Length: > 0 } header)
            {
                continue;
            }
            var full = Prefix + header;
            var hasValue = argument is not null && argument.GetValueKind() != JsonValueKind.Null;
            if (!headers.TryGetValue(full, out var raw))
            {
                if (hasValue)
                {
                    return $"Header mismatch: the {full} header is required for argument '{property.Name}'.";
                }
                continue;
            }
            var decoded = McpHeaderEncoder.DecodeValue(raw.ToString().Trim());
            if (decoded is null)
            {
                return $"Header mismatch: {full} is not a valid header value.";
            }
            if (!hasValue)
            {
                continue;
            }
            var expected = McpHeaderEncoder.ConvertToHeaderValue(argument!) is { } e ? McpHeaderEncoder.DecodeValue(e) : null;
            if (!Same(decoded, expected, property.Value))
            {
                return $"Header mismatch: {full} does not match argument '{property.Name}'.";
            }
        }
        return null;
    }

    private static bool Same(string actual, string? expected, JsonElement schema)
    {
        if (expected is null)
        {
            return false;
        }
        if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("integer")
            && decimal.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && decimal.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
        {
            return a == b;
        }
        return string.Equals(actual, expected, StringComparison.Ordinal);
    }
}
