using System.ComponentModel;
using System.Text.Json;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>Message type tools: declare (agents with the type-admin capability), list, remove.</summary>
[McpServerToolType]
internal sealed class MessageTypeTools
{
    private readonly MessageTypeRegistry _types;
    private readonly AgentStore _store;
    private readonly AgentOptions _options;

    public MessageTypeTools(MessageTypeRegistry types, AgentStore store, IOptions<AgentOptions> options)
    {
        _types = types;
        _store = store;
        _options = options.Value;
    }

    /// <summary>Declares or replaces a message type.</summary>
    [McpServerTool(Name = "message_types_declare", Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Declares (or replaces) a message type: a JSON Schema 2020-12 its payloads must satisfy, a default time to live and a size limit. Every replica enforces it at once; messages_send refuses a payload that does not match, naming the path and rule. Only an active agent with the type-admin capability (ToolHost:Agents:TypeAdminCapability, default types:admin) may declare; types from the tool host's configuration cannot be replaced.")]
    public async Task<MessageTypeDefinition> DeclareAsync(
        [Description("Type name, 1-128 of [A-Za-z0-9._:/-] (e.g. task.assign).")] string name,
        [Description("The declaring agent's id (registered, active, with the type-admin capability).")] string from,
        [Description("JSON Schema 2020-12 for the payload (an object, or true/false); omit to accept any payload.")] JsonElement? schema = null,
        [Description("Time to live of a message of this type sent without ttlSeconds.")] int? defaultTtlSeconds = null,
        [Description("Largest payload of this type in bytes of JSON (at most ToolHost:Agents:MaxPayloadBytes).")] int? maxBytes = null,
        CancellationToken cancellationToken = default)
    {
        var type = AgentInput.MessageType(name, "name");
        var declarer = await AgentPermissions.RequireCapabilityAsync(_store, from, _options.TypeAdminCapability, "change message types", cancellationToken).ConfigureAwait(false);
        if (schema is { } s)
        {
            AgentInput.Json(s, _options.MaxPayloadBytes, "schema");
        }
        return await _types.DeclareAsync(type, new StoredMessageType(schema, defaultTtlSeconds, maxBytes, declarer, null), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the declared types.</summary>
    [McpServerTool(Name = "message_types_list", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists the declared message types (from configuration, then agent-declared), with their schemas and limits, and whether undeclared types are refused.")]
    public async Task<MessageTypeList> ListAsync(CancellationToken cancellationToken = default)
    {
        var types = await _types.ListAsync(cancellationToken).ConfigureAwait(false);
        return new MessageTypeList(types, types.Count, _options.RequireDeclaredTypes);
    }

    /// <summary>Removes an agent-declared type.</summary>
    [McpServerTool(Name = "message_types_remove", Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Removes an agent-declared message type (its payloads are then unchecked, or refused when only declared types are allowed). Needs the type-admin capability, like message_types_declare.")]
    public async Task<MessageTypeRemoval> RemoveAsync(
        [Description("Type name.")] string name,
        [Description("The removing agent's id (registered, active, with the type-admin capability).")] string from,
        CancellationToken cancellationToken = default)
    {
        var type = AgentInput.MessageType(name, "name");
        await AgentPermissions.RequireCapabilityAsync(_store, from, _options.TypeAdminCapability, "change message types", cancellationToken).ConfigureAwait(false);
        return new MessageTypeRemoval(type, await _types.RemoveAsync(type, cancellationToken).ConfigureAwait(false));
    }
}
