using System.Text.Json;

namespace McpAspire.ToolHost.Agents;

/// <summary>Reads <see cref="AgentOptions.MessageTypesFile"/>: a JSON object of type name → definition.</summary>
internal static class MessageTypesFile
{
    /// <summary>The configured types (none when no file is set); throws with a sentence naming the file and the problem.</summary>
    public static IReadOnlyList<(MessageTypeDefinition Definition, MessageTypeSchema? Schema)> Load(string? path, string contentRoot, AgentOptions options)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return [];
        }
        var full = Path.GetFullPath(path, contentRoot);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"ToolHost:Agents:MessageTypesFile '{full}' cannot be read: {ex.Message}", ex);
        }
        Dictionary<string, StoredMessageType>? entries;
        try
        {
            entries = JsonSerializer.Deserialize(text, AgentJsonContext.Default.DictionaryStringStoredMessageType);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"ToolHost:Agents:MessageTypesFile '{full}' is not a JSON object of type name → {{ schema, defaultTtlSeconds, maxBytes }}: {ex.Message}", ex);
        }
        var types = new List<(MessageTypeDefinition, MessageTypeSchema?)>();
        foreach (var (name, entry) in entries ?? [])
        {
            try
            {
                types.Add(MessageTypeRegistry.Compile(AgentInput.MessageType(name), entry, "configuration", options));
            }
            catch (AgentCoordinationException ex)
            {
                throw new InvalidOperationException($"ToolHost:Agents:MessageTypesFile '{full}', type '{name}': {ex.Message}", ex);
            }
        }
        return types;
    }
}
