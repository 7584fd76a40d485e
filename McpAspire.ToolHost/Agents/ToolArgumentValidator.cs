using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// Checks a call's arguments against the tool's input schema before the SDK binds them: missing required arguments,
/// unknown arguments and wrong JSON types are malformed params, answered as JSON-RPC <c>-32602</c> with a sentence
/// naming the argument. (Left to the SDK, they surface only as "An error occurred invoking …".) Only the agent tools
/// are checked; the rest of the server is untouched.
/// </summary>
internal static class ToolArgumentValidator
{
    private static readonly string[] s_prefixes = ["agents_", "messages_", "context_", "handles_"];

    /// <summary>Throws <see cref="McpProtocolException"/> (invalid params) when the arguments do not fit the schema.</summary>
    public static void Validate(RequestContext<CallToolRequestParams> request)
    {
        if (request.Params is not { Name: { } name } parameters || !IsAgentTool(name)
            || request.Server.ServerOptions.ToolCollection is not { } tools || !tools.TryGetPrimitive(name, out var tool))
        {
            return;
        }
        var schema = tool.ProtocolTool.InputSchema;
        var arguments = parameters.Arguments;
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in required.EnumerateArray())
            {
                var argument = item.GetString()!;
                if (arguments is null || !arguments.TryGetValue(argument, out var value) || value.ValueKind is JsonValueKind.Undefined)
                {
                    throw Invalid($"Invalid params for '{name}': the required argument '{argument}' is missing.");
                }
            }
        }
        if (arguments is null || !schema.TryGetProperty("properties", out var properties))
        {
            return;
        }
        foreach (var (argument, value) in arguments)
        {
            if (!properties.TryGetProperty(argument, out var property))
            {
                throw Invalid($"Invalid params for '{name}': unknown argument '{argument}'.");
            }
            if (property.TryGetProperty("type", out var type) && !Fits(value, type))
            {
                throw Invalid($"Invalid params for '{name}': argument '{argument}' must be {Describe(type)}, got {Kind(value)}.");
            }
        }
    }

    private static bool IsAgentTool(string name)
    {
        foreach (var prefix in s_prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Fits(JsonElement value, JsonElement type)
    {
        if (type.ValueKind == JsonValueKind.String)
        {
            return FitsOne(value, type.GetString()!);
        }
        if (type.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in type.EnumerateArray())
            {
                if (t.ValueKind == JsonValueKind.String && FitsOne(value, t.GetString()!))
                {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private static bool FitsOne(JsonElement value, string type) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static string Describe(JsonElement type) => type.ValueKind == JsonValueKind.Array
        ? string.Join(" or ", type.EnumerateArray().Select(t => t.GetString()))
        : type.GetString() ?? "valid";

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var kind => kind.ToString().ToLowerInvariant(),
    };

    private static McpProtocolException Invalid(string message) => new(message, McpErrorCode.InvalidParams);
}
