namespace McpAspire.Gateway.Security;

/// <summary>
/// Inbound authentication and authorization of the gateway (<c>Gateway:Auth</c>): the gateway is an OAuth 2.1 resource
/// server (MCP authorization spec, RFC 9728) that accepts JWT access tokens of one issuer and/or hashed API keys, and
/// applies <see cref="Rules"/> to what each principal may list and call. Validated at start-up.
/// </summary>
public sealed class GatewayAuthOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Gateway:Auth";

    /// <summary>
    /// The gateway's canonical resource URI (RFC 8707), e.g. <c>https://mcp.example.com/mcp</c>: what tokens must be
    /// issued for, and what the protected resource metadata names. Empty: derived from each request
    /// (scheme://host/mcp) — fine on one host, but set it behind a proxy.
    /// </summary>
    public string? Resource { get; set; }

    /// <summary>Authorization server issuer URLs listed in the metadata. Empty: <see cref="JwtBearerSettings.Issuer"/> when set.</summary>
    public IList<string> AuthorizationServers { get; set; } = [];

    /// <summary>JWT bearer validation; off when <see cref="JwtBearerSettings.Issuer"/> is empty.</summary>
    public JwtBearerSettings Jwt { get; set; } = new();

    /// <summary>API keys, by their SHA-256 hash (never the key itself).</summary>
    public IList<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>Requests without credentials are served as the anonymous principal. Off by default.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Scopes the anonymous principal holds. Null (the default): every scope the gateway knows
    /// (<see cref="RequiredScopes"/>, <see cref="AdminScope"/>, the rules' scopes) — anonymous mode is for local use.
    /// </summary>
    public IList<string>? AnonymousScopes { get; set; }

    /// <summary>Scopes a principal must hold (all of them) to use <c>/mcp</c> at all; missing → 403 insufficient_scope.</summary>
    public IList<string> RequiredScopes { get; set; } = [];

    /// <summary>Scope that opens <c>/stats</c> (the downstreams' names, errors and counters).</summary>
    public string AdminScope { get; set; } = "mcp:admin";

    /// <summary>Extra scopes to advertise in <c>scopes_supported</c> beyond the required, admin and rule scopes.</summary>
    public IList<string> ScopesSupported { get; set; } = [];

    /// <summary>Ordered access rules; the first that matches the principal and the item decides.</summary>
    public IList<AccessRule> Rules { get; set; } = [];

    /// <summary>What happens when no rule matches: <see cref="AccessEffect.Allow"/> (default) or <see cref="AccessEffect.Deny"/>.</summary>
    public AccessEffect DefaultEffect { get; set; } = AccessEffect.Allow;

    /// <summary>True when JWT validation is configured.</summary>
    public bool JwtEnabled => !string.IsNullOrWhiteSpace(Jwt.Issuer);

    /// <summary>True when access differs by principal, so list results must not be marked as publicly cacheable.</summary>
    public bool ListsDifferByPrincipal => Rules.Count > 0 || DefaultEffect == AccessEffect.Deny;
}
