using System.Security.Claims;

namespace McpAspire.Gateway.Security;

/// <summary>
/// The principal the gateway builds for each caller, and how to read it. Its id (the
/// <see cref="ClaimTypes.NameIdentifier"/> claim) is stable and namespaced by how the caller authenticated:
/// <c>jwt:{sub}</c> (one trusted issuer per gateway, so <c>sub</c> is unique; tokens without <c>sub</c> use
/// <c>client_id</c>/<c>azp</c>), <c>key:{principal or name}</c> for API keys, and <c>anonymous</c>. Sessions are bound to it
/// and rate limits key on it.
/// </summary>
public static class GatewayPrincipal
{
    /// <summary>Authentication scheme name.</summary>
    public const string Scheme = "McpAspireGateway";

    /// <summary>Claim type of one granted scope (one claim per scope).</summary>
    public const string ScopeClaim = "scope";

    /// <summary>Id of the anonymous principal.</summary>
    public const string AnonymousId = "anonymous";

    /// <summary>Id prefix of JWT subjects.</summary>
    public const string JwtPrefix = "jwt:";

    /// <summary>Id prefix of API-key principals.</summary>
    public const string ApiKeyPrefix = "key:";

    /// <summary>The principal id of an authenticated caller, or null.</summary>
    public static string? IdOf(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirst(ClaimTypes.NameIdentifier)?.Value : null;

    /// <summary>True when the caller holds <paramref name="scope"/>.</summary>
    public static bool HasScope(ClaimsPrincipal user, string scope)
    {
        ArgumentNullException.ThrowIfNull(user);
        foreach (var claim in user.FindAll(ScopeClaim))
        {
            if (string.Equals(claim.Value, scope, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Builds a principal.</summary>
    public static ClaimsPrincipal Create(string id, string authenticationType, IEnumerable<string> scopes, IEnumerable<string> roles, IEnumerable<Claim>? extra = null)
    {
        var identity = new ClaimsIdentity(authenticationType, ClaimTypes.NameIdentifier, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, id));
        foreach (var scope in scopes.Distinct(StringComparer.Ordinal))
        {
            identity.AddClaim(new Claim(ScopeClaim, scope));
        }
        foreach (var role in roles.Distinct(StringComparer.Ordinal))
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, role));
        }
        if (extra is not null)
        {
            identity.AddClaims(extra);
        }
        return new ClaimsPrincipal(identity);
    }
}
