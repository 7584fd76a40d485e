using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace McpAspire.Gateway.Security;

/// <summary>
/// Tokens that validated, by SHA-256 of resource + token: a client sends the same token on every request, and a
/// signature check costs far more than the rest of a cached <c>tools/list</c>. An entry lives until the token's expiry,
/// at most <see cref="Lifetime"/>, so a key the issuer withdraws stops working within that time. Each hit gets its own
/// copy of the principal, so what one request adds to it never reaches the next.
/// </summary>
public sealed class JwtTokenCache
{
    /// <summary>How long a validated token is trusted without checking its signature again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Validated tokens kept at most; the cache is emptied when it would grow past this.</summary>
    public const int Capacity = 10_000;

    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset Until);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates an empty cache.</summary>
    public JwtTokenCache(TimeProvider time) => _time = time;

    /// <summary>A copy of the principal <paramref name="token"/> was validated to for <paramref name="resource"/>, if still trusted.</summary>
    public bool TryGet(string token, string resource, out ClaimsPrincipal? principal)
    {
        var key = KeyOf(token, resource);
        if (_entries.TryGetValue(key, out var entry))
        {
            if (_time.GetUtcNow() < entry.Until)
            {
                principal = Copy(entry.Principal);
                return true;
            }
            _entries.TryRemove(key, out _);
        }
        principal = null;
        return false;
    }

    /// <summary>Remembers that <paramref name="token"/> validated to <paramref name="principal"/> for <paramref name="resource"/>.</summary>
    public void Add(string token, string resource, ClaimsPrincipal principal, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var now = _time.GetUtcNow();
        var until = expires < now + Lifetime ? expires : now + Lifetime;
        if (until <= now)
        {
            return;
        }
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }
        _entries[KeyOf(token, resource)] = new Entry(Copy(principal), until);
    }

    // ClaimsPrincipal.Clone shares its identities; each holder gets identities of its own.
    private static ClaimsPrincipal Copy(ClaimsPrincipal principal) => new(principal.Identities.Select(i => i.Clone()));

    private static string KeyOf(string token, string resource)
    {
        var bytes = Encoding.UTF8.GetBytes(resource + "\n" + token);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, digest);
        return Convert.ToBase64String(digest);
    }
}
