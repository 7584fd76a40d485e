using System.Text.Json;
using Json.Schema;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// A message type's payload schema (JsonSchema.Net, JSON Schema 2020-12): checked against the 2020-12 meta-schema when
/// declared, built once, evaluated per send. Failures name the payload path and the rule that failed.
/// </summary>
internal sealed class MessageTypeSchema
{
    private const int MaxReportedErrors = 3;
    private static readonly EvaluationOptions s_options = new() { OutputFormat = OutputFormat.List };

    private readonly JsonSchema _schema;

    private MessageTypeSchema(JsonSchema schema) => _schema = schema;

    /// <summary>Builds a schema, or says in a sentence why it is not a usable JSON Schema 2020-12.</summary>
    public static MessageTypeSchema Build(JsonElement schema, string type)
    {
        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            throw new AgentCoordinationException($"The schema of message type '{type}' must be a JSON Schema object (or true/false), not {schema.ValueKind.ToString().ToLowerInvariant()}.");
        }
        var meta = MetaSchemas.Draft202012.Evaluate(schema, s_options);
        if (!meta.IsValid)
        {
            throw new AgentCoordinationException($"The schema of message type '{type}' is not valid JSON Schema 2020-12: {Describe(meta)}");
        }
        try
        {
            // A registry of its own: a declared $id must not collide with another type's, nor stay registered after removal.
            return new MessageTypeSchema(JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() }));
        }
        catch (Exception ex) when (ex is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            throw new AgentCoordinationException($"The schema of message type '{type}' cannot be used: {ex.Message}", ex);
        }
    }

    /// <summary>Throws a tool error naming the path and rule when <paramref name="payload"/> does not satisfy the schema.</summary>
    public void Validate(JsonElement payload, string type)
    {
        EvaluationResults results;
        try
        {
            results = _schema.Evaluate(payload, s_options);
        }
        catch (Exception ex) when (ex is JsonSchemaException or RefResolutionException or InvalidOperationException)
        {
            throw new AgentCoordinationException($"The schema of message type '{type}' could not be evaluated: {ex.Message}", ex);
        }
        if (!results.IsValid)
        {
            throw new AgentCoordinationException($"The payload does not match message type '{type}': {Describe(results)}. Nothing was sent.");
        }
    }

    // "at '/priority' rule 'minimum': 0 should be at least 1" — the first few failures, leaf rules only.
    private static string Describe(EvaluationResults results)
    {
        var failures = new List<string>();
        foreach (var node in (IEnumerable<EvaluationResults>?)results.Details ?? [results])
        {
            if (node.Errors is not { Count: > 0 } errors)
            {
                continue;
            }
            foreach (var (keyword, message) in errors)
            {
                var path = node.InstanceLocation.ToString();
                failures.Add($"at '{(path.Length == 0 ? "/" : path)}' rule '{keyword}' ({node.EvaluationPath}): {message}");
                if (failures.Count == MaxReportedErrors)
                {
                    return string.Join("; ", failures);
                }
            }
        }
        return failures.Count > 0 ? string.Join("; ", failures) : "the schema rejected it";
    }
}
