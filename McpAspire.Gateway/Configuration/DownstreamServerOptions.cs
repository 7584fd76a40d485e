namespace McpAspire.Gateway.Configuration;

/// <summary>How the gateway reaches a downstream MCP server.</summary>
public enum DownstreamTransport
{
    /// <summary>A child process speaking MCP on stdin/stdout.</summary>
    Stdio,

    /// <summary>HTTP: Streamable HTTP first, falling back to legacy SSE (auto-detected).</summary>
    Http,

    /// <summary>Streamable HTTP only.</summary>
    StreamableHttp,

    /// <summary>Legacy HTTP+SSE only.</summary>
    Sse,
}

/// <summary>
/// One downstream MCP server (<c>Gateway:Servers:{name}</c>, or an entry of the <c>mcpServers</c> file). Names follow
/// the requirements' list: enabled, transport, command, args, env, url, auto-reconnect, max reconnect attempts,
/// reconnect delay, connection timeout, request timeout, health-check interval.
/// </summary>
public sealed class DownstreamServerOptions
{
    /// <summary>Off servers are known (and shown) but not connected.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Transport; inferred from <see cref="Command"/> (stdio) or <see cref="Url"/> (http) when not given.</summary>
    public DownstreamTransport? Transport { get; set; }

    /// <summary>stdio: the program to start.</summary>
    public string? Command { get; set; }

    /// <summary>stdio: its arguments.</summary>
    public IList<string> Args { get; set; } = [];

    /// <summary>stdio: extra environment variables.</summary>
    public IDictionary<string, string> Env { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>stdio: working directory.</summary>
    public string? Cwd { get; set; }

    /// <summary>HTTP: endpoint URL (absolute, or a service-discovery name such as <c>https+http://toolhost/mcp</c>).</summary>
    public string? Url { get; set; }

    /// <summary>HTTP: headers sent with every request (the gateway's own outbound credentials; never the client's token).</summary>
    public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// MCP revision the gateway asks this server for. Default 2025-11-25: server→client requests (sampling, elicitation,
    /// roots) and resource subscriptions exist there and are forwarded to the calling client; <c>latest</c> lets the
    /// SDK negotiate 2026-07-28.
    /// </summary>
    public string ProtocolVersion { get; set; } = "2025-11-25";

    /// <summary>
    /// HTTP: when the server also accepts 2026-07-28 requests (asked with <c>server/discover</c> on connect), a
    /// 2026-07-28 caller's <c>tools/call</c>, <c>prompts/get</c> and <c>resources/read</c> go to it as 2026-07-28
    /// requests of their own and the answer is relayed as it comes, bytes unchanged, instead of through the shared
    /// <see cref="ProtocolVersion"/> session. Faster, and the server's input requests (Multi Round-Trip) reach the
    /// caller as they are. Off: every request uses the session.
    /// </summary>
    public bool StatelessForwarding { get; set; } = true;

    /// <summary>Prefix used for this server's names instead of its name (prefix mode permitting).</summary>
    public string? Prefix { get; set; }

    /// <summary>Only tools matching one of these patterns (<c>*</c> and <c>?</c> wildcards) are exposed; empty means all.</summary>
    public IList<string> AllowTools { get; set; } = [];

    /// <summary>Tools matching one of these patterns are hidden (applied after <see cref="AllowTools"/>).</summary>
    public IList<string> DenyTools { get; set; } = [];

    /// <summary>Time allowed to connect and initialize.</summary>
    public TimeSpan ConnectionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one request (a tool call, a read…).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries of a failed idempotent request (lists, reads, prompts) and of tool calls that failed to reach the server.</summary>
    public int RetryAttempts { get; set; } = 1;

    /// <summary>Delay between request retries.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Reconnect after a failure.</summary>
    public bool AutoReconnect { get; set; } = true;

    /// <summary>Reconnect attempts before the server is marked failed; 0 means keep trying.</summary>
    public int MaxReconnectAttempts { get; set; }

    /// <summary>Base delay of the reconnect backoff: <c>delay × 2^(attempt−1)</c>, capped, with jitter.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of one reconnect delay.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a connected server is pinged; zero turns health checks off.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the server's catalog is trusted before it is fetched again (list-changed refreshes it at once).</summary>
    public TimeSpan CatalogTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The transport actually used.</summary>
    public DownstreamTransport EffectiveTransport => Transport ?? (Command is not null ? DownstreamTransport.Stdio : DownstreamTransport.Http);

    /// <summary>A copy, so a configuration reload can be compared with what runs.</summary>
    public DownstreamServerOptions Clone() => new()
    {
        Enabled = Enabled,
        Transport = Transport,
        Command = Command,
        Args = [.. Args],
        Env = new Dictionary<string, string>(Env, StringComparer.Ordinal),
        Cwd = Cwd,
        Url = Url,
        Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase),
        Prefix = Prefix,
        ProtocolVersion = ProtocolVersion,
        StatelessForwarding = StatelessForwarding,
        AllowTools = [.. AllowTools],
        DenyTools = [.. DenyTools],
        ConnectionTimeout = ConnectionTimeout,
        RequestTimeout = RequestTimeout,
        RetryAttempts = RetryAttempts,
        RetryDelay = RetryDelay,
        AutoReconnect = AutoReconnect,
        MaxReconnectAttempts = MaxReconnectAttempts,
        ReconnectDelay = ReconnectDelay,
        MaxReconnectDelay = MaxReconnectDelay,
        HealthCheckInterval = HealthCheckInterval,
        CatalogTtl = CatalogTtl,
    };

    /// <summary>True when a reload changed anything that needs a new connection.</summary>
    public bool ConnectionEquals(DownstreamServerOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Enabled == other.Enabled && EffectiveTransport == other.EffectiveTransport && Command == other.Command
            && Args.SequenceEqual(other.Args) && Cwd == other.Cwd && Url == other.Url && StatelessForwarding == other.StatelessForwarding
            && Env.OrderBy(e => e.Key, StringComparer.Ordinal).SequenceEqual(other.Env.OrderBy(e => e.Key, StringComparer.Ordinal))
            && Headers.OrderBy(e => e.Key, StringComparer.Ordinal).SequenceEqual(other.Headers.OrderBy(e => e.Key, StringComparer.Ordinal));
    }
}
