using System.Text.Json;

namespace McpAspire.Gateway.Configuration;

/// <summary>
/// Reads the <c>mcpServers</c> JSON format used by Claude Desktop, Cursor, VS Code and friends:
/// <c>{"mcpServers": {"name": {"command", "args", "env", "cwd"} | {"url", "headers", "type": "http"|"sse"}}}</c>, plus our
/// optional per-server keys (<c>disabled</c>/<c>enabled</c>, <c>prefix</c>, <c>allowTools</c>, <c>denyTools</c>, and the
/// timing settings in seconds: <c>connectionTimeout</c>, <c>requestTimeout</c>, <c>reconnectDelay</c>,
/// <c>maxReconnectDelay</c>, <c>healthCheckInterval</c>, <c>catalogTtl</c>; <c>autoReconnect</c>, <c>maxReconnectAttempts</c>,
/// <c>retryAttempts</c>). VS Code's <c>servers</c> root key is accepted too.
/// </summary>
public static class McpServersFile
{
    /// <summary>Parses a file's text; errors name the file and the server.</summary>
    public static Dictionary<string, DownstreamServerOptions> Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            throw new GatewayConfigurationException($"{source}: not valid JSON ({ex.Message}).");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !(doc.RootElement.TryGetProperty("mcpServers", out var servers) || doc.RootElement.TryGetProperty("servers", out servers))
                || servers.ValueKind != JsonValueKind.Object)
            {
                throw new GatewayConfigurationException($"{source}: expected an object with an \"mcpServers\" object.");
            }
            var result = new Dictionary<string, DownstreamServerOptions>(StringComparer.Ordinal);
            foreach (var entry in servers.EnumerateObject())
            {
                result[entry.Name] = ParseServer(entry.Value, $"{source}: mcpServers.{entry.Name}");
            }
            return result;
        }
    }

    private static DownstreamServerOptions ParseServer(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new GatewayConfigurationException($"{where}: expected an object.");
        }
        var o = new DownstreamServerOptions();
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "command": o.Command = String(p, where); break;
                case "args": o.Args = StringArray(p, where); break;
                case "env": o.Env = StringMap(p, where, StringComparer.Ordinal); break;
                case "cwd": o.Cwd = String(p, where); break;
                case "url": o.Url = String(p, where); break;
                case "headers": o.Headers = StringMap(p, where, StringComparer.OrdinalIgnoreCase); break;
                case "type" or "transport":
                    o.Transport = String(p, where) switch
                    {
                        "stdio" => DownstreamTransport.Stdio,
                        "http" => DownstreamTransport.Http,
                        "streamable-http" or "streamableHttp" => DownstreamTransport.StreamableHttp,
                        "sse" => DownstreamTransport.Sse,
                        var other => throw new GatewayConfigurationException($"{where}.{p.Name}: '{other}' is not one of stdio, http, streamable-http, sse."),
                    };
                    break;
                case "disabled": o.Enabled = !Bool(p, where); break;
                case "enabled": o.Enabled = Bool(p, where); break;
                case "prefix": o.Prefix = String(p, where); break;
                case "protocolVersion": o.ProtocolVersion = String(p, where); break;
                case "allowTools": o.AllowTools = StringArray(p, where); break;
                case "denyTools": o.DenyTools = StringArray(p, where); break;
                case "autoReconnect": o.AutoReconnect = Bool(p, where); break;
                case "maxReconnectAttempts": o.MaxReconnectAttempts = Int(p, where); break;
                case "retryAttempts": o.RetryAttempts = Int(p, where); break;
                case "connectionTimeout": o.ConnectionTimeout = Seconds(p, where); break;
                case "requestTimeout": o.RequestTimeout = Seconds(p, where); break;
                case "reconnectDelay": o.ReconnectDelay = Seconds(p, where); break;
                case "maxReconnectDelay": o.MaxReconnectDelay = Seconds(p, where); break;
                case "retryDelay": o.RetryDelay = Seconds(p, where); break;
                case "healthCheckInterval": o.HealthCheckInterval = Seconds(p, where); break;
                case "catalogTtl": o.CatalogTtl = Seconds(p, where); break;
                default: break; // other assistants' keys (e.g. "alwaysAllow") are not ours to judge
            }
        }
        return o;
    }

    private static string String(JsonProperty p, string where) =>
        p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Type(p, where, "a string");

    private static bool Bool(JsonProperty p, string where) =>
        p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.Value.GetBoolean() : throw Type(p, where, "true or false");

    private static int Int(JsonProperty p, string where) =>
        p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var i) ? i : throw Type(p, where, "an integer");

    private static TimeSpan Seconds(JsonProperty p, string where) =>
        p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out var s) && s >= 0 && s < 86_400 * 30
            ? TimeSpan.FromSeconds(s)
            : throw Type(p, where, "a number of seconds");

    private static List<string> StringArray(JsonProperty p, string where) =>
        p.Value.ValueKind == JsonValueKind.Array && p.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
            ? p.Value.EnumerateArray().Select(v => v.GetString()!).ToList()
            : throw Type(p, where, "an array of strings");

    private static Dictionary<string, string> StringMap(JsonProperty p, string where, StringComparer comparer) =>
        p.Value.ValueKind == JsonValueKind.Object && p.Value.EnumerateObject().All(v => v.Value.ValueKind == JsonValueKind.String)
            ? p.Value.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString()!, comparer)
            : throw Type(p, where, "an object of strings");

    private static GatewayConfigurationException Type(JsonProperty p, string where, string expected) =>
        new($"{where}.{p.Name}: expected {expected}.");
}

/// <summary>The gateway's configuration is invalid; the message says where and why.</summary>
public sealed class GatewayConfigurationException : Exception
{
    public GatewayConfigurationException(string message) : base(message)
    {
    }

    public GatewayConfigurationException()
    {
    }

    public GatewayConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
