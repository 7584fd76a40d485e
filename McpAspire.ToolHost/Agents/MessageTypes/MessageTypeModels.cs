using System.ComponentModel;
using System.Text.Json;

namespace McpAspire.ToolHost.Agents;

/// <summary>A declared message type: what a payload of that type must look like, and its defaults.</summary>
/// <param name="Name">The type name messages carry in <c>type</c>.</param>
/// <param name="Schema">JSON Schema (2020-12) every payload of the type must satisfy, or null for any payload.</param>
/// <param name="DefaultTtlSeconds">Time to live of a message of the type sent without one (null: the tool host's default).</param>
/// <param name="MaxBytes">Largest payload of the type, serialized (null: the tool host's limit).</param>
/// <param name="Source"><c>configuration</c>, or the id of the agent that declared it.</param>
/// <param name="DeclaredAt">When an agent declared it (null for configured types).</param>
public sealed record MessageTypeDefinition(
    string Name,
    [property: Description("JSON Schema (2020-12) every payload of the type must satisfy; null accepts any payload.")] JsonElement? Schema,
    int? DefaultTtlSeconds,
    int? MaxBytes,
    string Source,
    DateTimeOffset? DeclaredAt);

/// <summary>Result of <c>message_types_list</c>.</summary>
/// <param name="Types">Declared types, by name.</param>
/// <param name="Count">Number of types.</param>
/// <param name="RequireDeclaredTypes">True when a message of an undeclared type is refused.</param>
public sealed record MessageTypeList(IReadOnlyList<MessageTypeDefinition> Types, int Count, bool RequireDeclaredTypes);

/// <summary>Result of <c>message_types_remove</c>.</summary>
/// <param name="Name">The type.</param>
/// <param name="Removed">False when no agent-declared type had that name.</param>
public sealed record MessageTypeRemoval(string Name, bool Removed);

/// <summary>A message type as stored in Redis (the <c>types</c> hash, one field per name) and in the types file.</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
internal sealed record StoredMessageType(JsonElement? Schema, int? DefaultTtlSeconds, int? MaxBytes, string? DeclaredBy, long? DeclaredAt);
