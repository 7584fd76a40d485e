using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpAspire.ToolHost.Agents;

/// <summary>Validation of tool arguments; failures are tool errors that name the argument and the rule.</summary>
internal static partial class AgentInput
{
    public const int MaxCapabilities = 32;
    public const int MaxMetadataEntries = 32;
    public const int MaxMetadataValueLength = 1024;
    public const int MaxNameLength = 200;

    public const string IdPattern = "^[A-Za-z0-9._-]{1,128}$";
    public const string CapabilityPattern = "^[A-Za-z0-9._:/-]{1,64}$";
    public const string TypePattern = "^[A-Za-z0-9._:/-]{1,128}$";
    public const string KeyPattern = "^[A-Za-z0-9._:/-]{1,200}$";

    [GeneratedRegex(IdPattern)]
    private static partial Regex IdRegex();

    [GeneratedRegex(CapabilityPattern)]
    private static partial Regex CapabilityRegex();

    [GeneratedRegex(TypePattern)]
    private static partial Regex TypeRegex();

    [GeneratedRegex(KeyPattern)]
    private static partial Regex KeyRegex();

    public static string AgentId(string? value, string argument = "id") =>
        Matches(value, IdRegex(), argument, "1-128 characters of letters, digits, '.', '_' or '-'");

    public static string Capability(string? value, string argument = "capability") =>
        Matches(value, CapabilityRegex(), argument, "1-64 characters of letters, digits, '.', '_', ':', '/' or '-'");

    public static string MessageType(string? value, string argument = "type") =>
        Matches(value, TypeRegex(), argument, "1-128 characters of letters, digits, '.', '_', ':', '/' or '-'");

    public static string Key(string? value) =>
        Matches(value, KeyRegex(), "key", "1-200 characters of letters, digits, '.', '_', ':', '/' or '-'");

    public static string Name(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxNameLength)
        {
            throw new AgentCoordinationException($"Invalid 'name': must be 1-{MaxNameLength} characters and not blank.");
        }
        return value;
    }

    public static IReadOnlyList<string> Capabilities(string[]? values)
    {
        if (values is null)
        {
            return [];
        }
        if (values.Length > MaxCapabilities)
        {
            throw new AgentCoordinationException($"Invalid 'capabilities': at most {MaxCapabilities} allowed, got {values.Length}.");
        }
        var result = new List<string>(values.Length);
        foreach (var value in values)
        {
            var capability = Capability(value, "capabilities[]");
            if (!result.Contains(capability, StringComparer.Ordinal))
            {
                result.Add(capability);
            }
        }
        return result;
    }

    public static IReadOnlyDictionary<string, string> Metadata(Dictionary<string, string>? values)
    {
        if (values is null)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }
        if (values.Count > MaxMetadataEntries)
        {
            throw new AgentCoordinationException($"Invalid 'metadata': at most {MaxMetadataEntries} entries allowed, got {values.Count}.");
        }
        foreach (var (key, value) in values)
        {
            if (key.Length is 0 or > 128 || value is null || value.Length > MaxMetadataValueLength)
            {
                throw new AgentCoordinationException($"Invalid 'metadata' entry '{key}': keys must be 1-128 characters and values strings of at most {MaxMetadataValueLength} characters.");
            }
        }
        return values;
    }

    public static int Range(int? value, int fallback, int min, int max, string argument)
    {
        var v = value ?? fallback;
        if (v < min || v > max)
        {
            throw new AgentCoordinationException($"Invalid '{argument}': must be between {min} and {max}, got {v}.");
        }
        return v;
    }

    /// <summary>The raw JSON of a value, checked against a size limit (bytes of UTF-8).</summary>
    public static string Json(JsonElement value, int maxBytes, string argument)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw new AgentCoordinationException($"Missing '{argument}': any JSON value is allowed (object, array, string, number, true, false or null).");
        }
        var raw = value.GetRawText();
        var bytes = Encoding.UTF8.GetByteCount(raw);
        if (bytes > maxBytes)
        {
            throw new AgentCoordinationException($"Invalid '{argument}': {bytes} bytes of JSON exceed the limit of {maxBytes} bytes.");
        }
        return raw;
    }

    private static string Matches(string? value, Regex regex, string argument, string rule)
    {
        if (value is null || !regex.IsMatch(value))
        {
            throw new AgentCoordinationException($"Invalid '{argument}'{(value is null ? " (missing)" : $" '{Truncate(value)}'")}: must be {rule}.");
        }
        return value;
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
