using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// Who a request counts against, and the Redis keys of its buckets. Keys are
/// <c>gateway:ratelimit:{principal}:p</c> and <c>gateway:ratelimit:{principal}:t:{tool}</c>: the principal is a cluster
/// hash tag, so the one script that touches both keys stays within one slot.
/// </summary>
internal static class RateLimitKeys
{
    /// <summary>Prefix of every key the limiter writes.</summary>
    public const string Prefix = "gateway:ratelimit:";

    private const int MaxPlainPrincipalLength = 128;

    /// <summary>
    /// The authenticated principal's id (<c>NameIdentifier</c>, else <c>sub</c>, else <c>upn</c>: the id sessions are bound
    /// to; the gateway's authentication makes it <c>jwt:{sub}</c> or <c>key:{name}</c>), else — no principal, or the
    /// gateway's anonymous principal, which every anonymous caller shares — <c>anon:&lt;client IP&gt;</c>.
    /// </summary>
    public static string PrincipalOf(Microsoft.AspNetCore.Http.HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true
            && (user.FindFirst(ClaimTypes.NameIdentifier) ?? user.FindFirst("sub") ?? user.FindFirst(ClaimTypes.Upn))?.Value is { Length: > 0 } id
            && id != Security.GatewayPrincipal.AnonymousId)
        {
            return Safe("u:" + id);
        }
        // Behind a proxy this is the proxy's address unless forwarded headers are applied (ASPNETCORE_FORWARDEDHEADERS_ENABLED).
        return "anon:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    public static string PrincipalKey(string principal) => string.Concat(Prefix, "{", principal, "}:p");

    public static string ToolKey(string principal, string tool) => string.Concat(Prefix, "{", principal, "}:t:", tool);

    /// <summary>Ids with braces (which would break the hash tag), control characters or great length become a hash.</summary>
    private static string Safe(string principal)
    {
        if (principal.Length <= MaxPlainPrincipalLength && principal.AsSpan().IndexOfAny('{', '}') < 0 && !principal.Any(char.IsControl))
        {
            return principal;
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(principal), hash);
        return "h:" + WebEncoders.Base64UrlEncode(hash);
    }
}
