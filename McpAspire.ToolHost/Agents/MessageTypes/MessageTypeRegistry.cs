using System.Collections.Frozen;
using System.Text.Json;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// The message types every replica enforces: those of <see cref="AgentOptions.MessageTypesFile"/> and those agents
/// declared (the <c>types</c> hash in Redis). Declared types are read once and kept, built, until a change is
/// announced on the events channel (or the connection to Redis comes back), so a send costs no extra round trip.
/// </summary>
internal sealed class MessageTypeRegistry
{
    private sealed record Entry(MessageTypeDefinition Definition, MessageTypeSchema? Schema);

    private readonly IConnectionMultiplexer _redis;
    private readonly AgentOptions _options;
    private readonly ToolHostKeys _keys;
    private readonly TimeProvider _time;
    private readonly FrozenDictionary<string, Entry> _configured;
    private readonly ChangeAnnouncedSnapshot<FrozenDictionary<string, Entry>> _declared;

    public MessageTypeRegistry(IConnectionMultiplexer redis, IOptions<AgentOptions> options, IHostEnvironment environment, TimeProvider time)
    {
        _redis = redis;
        _options = options.Value;
        _keys = new ToolHostKeys(_options.KeyPrefix);
        _time = time;
        _configured = MessageTypesFile.Load(_options.MessageTypesFile, environment.ContentRootPath, _options)
            .ToFrozenDictionary(t => t.Definition.Name, t => new Entry(t.Definition, t.Schema), StringComparer.Ordinal);
        _declared = new ChangeAnnouncedSnapshot<FrozenDictionary<string, Entry>>(LoadDeclaredAsync);
        redis.ConnectionRestored += (_, _) => Invalidate();
    }

    /// <summary>Forget the declared types (another replica changed them, or changes may have been missed).</summary>
    public void Invalidate() => _declared.Invalidate();

    /// <summary>Validates and builds a definition; throws <see cref="AgentCoordinationException"/> saying what is wrong.</summary>
    public static (MessageTypeDefinition Definition, MessageTypeSchema? Schema) Compile(string name, StoredMessageType stored, string source, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(options);
        if (stored.DefaultTtlSeconds is { } ttl && (ttl < 1 || ttl > options.MaxMessageTtlSeconds))
        {
            throw new AgentCoordinationException($"Invalid 'defaultTtlSeconds': must be between 1 and {options.MaxMessageTtlSeconds}, got {ttl}.");
        }
        if (stored.MaxBytes is { } max && (max < 16 || max > options.MaxPayloadBytes))
        {
            throw new AgentCoordinationException($"Invalid 'maxBytes': must be between 16 and {options.MaxPayloadBytes} (ToolHost:Agents:MaxPayloadBytes), got {max}.");
        }
        var schema = stored.Schema is { ValueKind: not JsonValueKind.Null } s ? MessageTypeSchema.Build(s, name) : null;
        var declaredAt = stored.DeclaredAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : (DateTimeOffset?)null;
        return (new MessageTypeDefinition(name, schema is null ? null : stored.Schema, stored.DefaultTtlSeconds, stored.MaxBytes, source, declaredAt), schema);
    }

    /// <summary>
    /// The definition a message of <paramref name="type"/> is sent under, after checking the payload's size and schema;
    /// null for an undeclared type when undeclared types are allowed.
    /// </summary>
    public async Task<MessageTypeDefinition?> CheckAsync(string type, JsonElement payload, CancellationToken cancellationToken)
    {
        var entry = await FindAsync(type, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            if (_options.RequireDeclaredTypes)
            {
                throw new AgentCoordinationException($"Unknown message type '{type}': this tool host only carries declared types (message_types_list shows them; message_types_declare adds one).");
            }
            AgentInput.Json(payload, _options.MaxPayloadBytes, "payload");
            return null;
        }
        AgentInput.Json(payload, entry.Definition.MaxBytes ?? _options.MaxPayloadBytes, "payload");
        entry.Schema?.Validate(payload, type);
        return entry.Definition;
    }

    /// <summary>Every declared type, configured ones first.</summary>
    public async Task<IReadOnlyList<MessageTypeDefinition>> ListAsync(CancellationToken cancellationToken)
    {
        var declared = await _declared.GetAsync(cancellationToken).ConfigureAwait(false);
        return [.. _configured.Values.Select(e => e.Definition).OrderBy(d => d.Name, StringComparer.Ordinal),
            .. declared.Values.Where(e => !_configured.ContainsKey(e.Definition.Name)).Select(e => e.Definition).OrderBy(d => d.Name, StringComparer.Ordinal)];
    }

    /// <summary>Declares (or replaces) an agent type; the change reaches every replica through the events channel.</summary>
    public async Task<MessageTypeDefinition> DeclareAsync(string name, StoredMessageType stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        RefuseConfigured(name, "declared");
        stored = stored with { DeclaredAt = _time.GetUtcNow().ToUnixTimeMilliseconds() };
        var (definition, _) = Compile(name, stored, stored.DeclaredBy!, _options);
        await _redis.GetDatabase().HashSetAsync(_keys.Types, name, JsonSerializer.Serialize(stored, AgentJsonContext.Default.StoredMessageType)).ConfigureAwait(false);
        await AnnounceAsync().ConfigureAwait(false);
        return definition;
    }

    /// <summary>Removes an agent-declared type; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        RefuseConfigured(name, "removed");
        var removed = await _redis.GetDatabase().HashDeleteAsync(_keys.Types, name).ConfigureAwait(false);
        await AnnounceAsync().ConfigureAwait(false);
        return removed;
    }

    private void RefuseConfigured(string name, string verb)
    {
        if (_configured.ContainsKey(name))
        {
            throw new AgentCoordinationException($"Message type '{name}' comes from the tool host's configuration (ToolHost:Agents:MessageTypesFile) and cannot be {verb} by an agent.");
        }
    }

    private async Task AnnounceAsync()
    {
        Invalidate();
        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(_keys.Events), "types").ConfigureAwait(false);
    }

    private async ValueTask<Entry?> FindAsync(string type, CancellationToken cancellationToken)
    {
        if (_configured.TryGetValue(type, out var configured))
        {
            return configured;
        }
        var declared = await _declared.GetAsync(cancellationToken).ConfigureAwait(false);
        return declared.GetValueOrDefault(type);
    }

    private async Task<FrozenDictionary<string, Entry>> LoadDeclaredAsync(CancellationToken cancellationToken)
    {
        var fields = await _redis.GetDatabase().HashGetAllAsync(_keys.Types).WaitAsync(cancellationToken).ConfigureAwait(false);
        var entries = new Dictionary<string, Entry>(fields.Length, StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var name = (string)field.Name!;
            var stored = JsonSerializer.Deserialize((string)field.Value!, AgentJsonContext.Default.StoredMessageType)!;
            // Checked when declared; a type stored by a newer, laxer version is skipped rather than failing every send.
            try
            {
                var (definition, schema) = Compile(name, stored, stored.DeclaredBy ?? "agent", _options);
                entries[name] = new Entry(definition, schema);
            }
            catch (AgentCoordinationException)
            {
            }
        }
        return entries.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
