using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.Security;

/// <summary>The outcome of checking a presented API key.</summary>
public readonly record struct ApiKeyResult(ClaimsPrincipal? Principal, string? Failure);

/// <summary>
/// Checks presented API keys against the configured hashes (re-read when the configuration reloads, so a revoked
/// or removed key stops working without a restart). Every configured hash is compared in constant time.
/// </summary>
public sealed class ApiKeyAuthenticator : IDisposable
{
    private readonly TimeProvider _time;
    private readonly IDisposable? _subscription;
    private volatile Entry[] _entries;

    /// <summary>Creates the authenticator.</summary>
    public ApiKeyAuthenticator(IOptionsMonitor<GatewayAuthOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _entries = Parse(options.CurrentValue);
        _subscription = options.OnChange(o => _entries = Parse(o));
    }

    /// <summary>True when at least one key is configured.</summary>
    public bool HasKeys => _entries.Length > 0;

    /// <summary>Finds the key's principal; a failure message when the key is unknown, revoked or expired.</summary>
    public ApiKeyResult Authenticate(ReadOnlySpan<char> key)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        ApiKeyHasher.HashInto(key, digest);
        Entry? match = null;
        foreach (var entry in _entries)
        {
            // No early exit: the time taken does not depend on which key (if any) matched.
            if (CryptographicOperations.FixedTimeEquals(digest, entry.Digest))
            {
                match ??= entry;
            }
        }
        if (match is null)
        {
            return new ApiKeyResult(null, "The API key is not valid.");
        }
        if (match.Config.Revoked || match.Config.ExpiresAt is { } expires && expires <= _time.GetUtcNow())
        {
            return new ApiKeyResult(null, "The API key has been revoked or has expired.");
        }
        // A copy: later middleware may add identities to the request's principal.
        return new ApiKeyResult(match.Principal.Clone(), null);
    }

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();

    private static Entry[] Parse(GatewayAuthOptions options)
    {
        var entries = new List<Entry>(options.ApiKeys.Count);
        foreach (var key in options.ApiKeys)
        {
            // Invalid hashes are reported by the start-up validator; a reload with a bad one just skips it.
            if (ApiKeyHasher.TryParse(key.Hash, out var digest))
            {
                var id = GatewayPrincipal.ApiKeyPrefix + (string.IsNullOrWhiteSpace(key.Principal) ? key.Name : key.Principal);
                var principal = GatewayPrincipal.Create(id, "ApiKey", key.Scopes, key.Roles, [new Claim("api_key_name", key.Name)]);
                entries.Add(new Entry(digest, key, principal));
            }
        }
        return [.. entries];
    }

    private sealed record Entry(byte[] Digest, ApiKeyEntry Config, ClaimsPrincipal Principal);
}
