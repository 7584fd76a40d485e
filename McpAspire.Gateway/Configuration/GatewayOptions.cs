namespace McpAspire.Gateway.Configuration;

/// <summary>When downstream names get a <c>server__</c> prefix.</summary>
public enum PrefixMode
{
    /// <summary>Only names that collide across servers are prefixed (every colliding one, deterministically).</summary>
    OnConflict,

    /// <summary>Every name is prefixed.</summary>
    Always,

    /// <summary>No name is prefixed; on a collision the server first in name order wins and the others are hidden (logged).</summary>
    Never,
}

/// <summary>Gateway settings (<c>Gateway</c> section).</summary>
public sealed class GatewayOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Gateway";

    /// <summary>Separator between prefix and name.</summary>
    public const string PrefixSeparator = "__";

    /// <summary>Prefixing of tool and prompt names.</summary>
    public PrefixMode PrefixMode { get; set; } = PrefixMode.OnConflict;

    /// <summary>A file in the <c>mcpServers</c> JSON format IDE assistants use; reloaded when it changes.</summary>
    public string? ServersFile { get; set; }

    /// <summary>Downstream servers by name.</summary>
    public IDictionary<string, DownstreamServerOptions> Servers { get; set; } = new Dictionary<string, DownstreamServerOptions>(StringComparer.Ordinal);

    /// <summary>Items per page of merged list results.</summary>
    public int PageSize { get; set; } = 200;

    /// <summary>
    /// Where 2025-era sessions live: <c>state</c> (the state service, so every replica serves every session; the
    /// default whenever service discovery knows <c>statesvc</c>) or <c>memory</c> (one replica only).
    /// </summary>
    public string? SessionStore { get; set; }

    /// <summary>2026-07-28 <c>ttlMs</c> put on list results (the catalog is shared by every caller of the gateway).</summary>
    public TimeSpan ListResultTimeToLive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// At start, how long the gateway waits for the first connection attempt to each downstream before it serves
    /// (a replica restarted behind a front proxy would otherwise answer "unknown tool" for tools about to arrive); a
    /// failed attempt ends the wait for that server at once. Zero serves at once.
    /// </summary>
    public TimeSpan StartupConnectWait { get; set; } = TimeSpan.FromSeconds(10);
}
