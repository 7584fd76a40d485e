using System.Text.Json;

namespace McpAspire.Hosting.Tests.Manifest;

/// <summary>
/// Validates JSON against the subset of JSON Schema draft-07 our schema test data uses (type, required, properties,
/// additionalProperties, const, enum, items, $ref to #/definitions, oneOf). Returns every violation with its path.
/// </summary>
internal sealed class MiniJsonSchemaValidator
{
    private readonly JsonElement _root;

    public MiniJsonSchemaValidator(JsonElement root)
    {
        _root = root;
    }

    public IReadOnlyList<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Validate(_root, instance, "$", errors);
        return errors;
    }

    private void Validate(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: not allowed");
            return;
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!;
            const string prefix = "#/definitions/";
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new NotSupportedException($"$ref {name}");
            }
            Validate(_root.GetProperty("definitions").GetProperty(name[prefix.Length..]), value, path, errors);
        }
        if (schema.TryGetProperty("type", out var type) && !HasType(value, type.GetString()!))
        {
            errors.Add($"{path}: expected {type.GetString()}, got {value.ValueKind}");
            return;
        }
        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
        {
            errors.Add($"{path}: expected {constant.GetRawText()}, got {value.GetRawText()}");
        }
        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            errors.Add($"{path}: {value.GetRawText()} is not one of {allowed.GetRawText()}");
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required))
            {
                foreach (var r in required.EnumerateArray())
                {
                    if (!value.TryGetProperty(r.GetString()!, out _))
                    {
                        errors.Add($"{path}: missing required property '{r.GetString()}'");
                    }
                }
            }
            schema.TryGetProperty("properties", out var properties);
            foreach (var p in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(p.Name, out var propertySchema))
                {
                    Validate(propertySchema, p.Value, $"{path}.{p.Name}", errors);
                }
                else if (schema.TryGetProperty("additionalProperties", out var additional))
                {
                    Validate(additional, p.Value, $"{path}.{p.Name}", errors);
                }
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                Validate(items, item, $"{path}[{i++}]", errors);
            }
        }
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var results = oneOf.EnumerateArray().Select(s =>
            {
                var e = new List<string>();
                Validate(s, value, path, e);
                return e;
            }).ToList();
            var matches = results.Count(r => r.Count == 0);
            if (matches != 1)
            {
                // Report the branch that came closest, which is the one the author meant.
                var closest = results.OrderBy(r => r.Count).First();
                errors.Add($"{path}: matches {matches} of the oneOf branches (want exactly 1){(matches == 0 ? ": " + string.Join("; ", closest) : "")}");
            }
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        _ => throw new NotSupportedException($"type {type}"),
    };
}
