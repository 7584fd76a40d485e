namespace McpAspire.Gateway.Security;

/// <summary>JWT access-token validation (<c>Gateway:Auth:Jwt</c>).</summary>
public sealed class JwtBearerSettings
{
    /// <summary>The only issuer (<c>iss</c>) accepted. Empty turns JWT validation off.</summary>
    public string? Issuer { get; set; }

    /// <summary>Accepted audience (<c>aud</c>). Default: the gateway's resource URI (RFC 8707 audience binding).</summary>
    public string? Audience { get; set; }

    /// <summary>A JSON Web Key Set URL with the issuer's signing keys. Give this or <see cref="MetadataAddress"/>.</summary>
    public string? JwksUri { get; set; }

    /// <summary>
    /// OpenID Connect discovery or OAuth authorization server metadata (RFC 8414) URL; the signing keys come from its
    /// <c>jwks_uri</c>. Default when neither this nor <see cref="JwksUri"/> is set: <c>{Issuer}/.well-known/openid-configuration</c>.
    /// </summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Tolerated clock difference for <c>exp</c>/<c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Metadata and keys only over https; http is accepted for loopback hosts even when true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>How often signing keys are re-read (a token with an unknown <c>kid</c> forces a refresh, at most every 30 s).</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Claims holding scopes: space-separated strings or arrays.</summary>
    public IList<string> ScopeClaims { get; set; } = ["scope", "scp"];

    /// <summary>Claims holding roles (strings or arrays).</summary>
    public IList<string> RoleClaims { get; set; } = ["roles", "role"];
}
