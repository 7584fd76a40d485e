namespace McpAspire.Gateway.Security;

/// <summary>Where the issuer's signing keys are read from, as <see cref="JwtBearerSettings"/> configure it.</summary>
public static class JwtKeySource
{
    /// <summary>The JWKS URL, the metadata URL, or the issuer's OIDC discovery document.</summary>
    public static string Of(JwtBearerSettings jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        if (!string.IsNullOrWhiteSpace(jwt.JwksUri))
        {
            return jwt.JwksUri;
        }
        if (!string.IsNullOrWhiteSpace(jwt.MetadataAddress))
        {
            return jwt.MetadataAddress;
        }
        return jwt.Issuer!.TrimEnd('/') + "/.well-known/openid-configuration";
    }

    /// <summary>True for http(s) URLs on a loopback host, where plain http is allowed.</summary>
    public static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
