using System.Security.Cryptography;
using System.Text;

namespace McpAspire.Gateway.Security;

/// <summary>
/// Hashes, generates and checks API keys. Configuration holds only <c>SHA-256(key)</c> as lowercase hex (optionally
/// written <c>sha256:{hex}</c>). Keys are <c>mcpk_</c> + 32 random bytes in base64url, so a fast unsalted hash is safe:
/// the key space cannot be searched. Comparison is constant-time.
/// </summary>
public static class ApiKeyHasher
{
    /// <summary>Prefix that marks a bearer value as an API key rather than a JWT.</summary>
    public const string KeyPrefix = "mcpk_";

    private const string HashPrefix = "sha256:";

    /// <summary>The hash to put in <c>Gateway:Auth:ApiKeys:N:Hash</c>.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>A new random key with the <see cref="KeyPrefix"/>.</summary>
    public static string NewKey()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return KeyPrefix + Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(bytes);
    }

    /// <summary>Parses a configured hash into its 32 bytes; false when it is not 64 hex digits (with or without <c>sha256:</c>).</summary>
    public static bool TryParse(string? configured, out byte[] digest)
    {
        digest = [];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return false;
        }
        var text = configured.Trim();
        if (text.StartsWith(HashPrefix, StringComparison.OrdinalIgnoreCase))
        {
            text = text[HashPrefix.Length..];
        }
        if (text.Length != SHA256.HashSizeInBytes * 2)
        {
            return false;
        }
        try
        {
            digest = Convert.FromHexString(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Hashes a presented key into <paramref name="digest"/> (32 bytes) without allocating a string.</summary>
    public static void HashInto(ReadOnlySpan<char> key, Span<byte> digest)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        var rented = max <= 512 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(max);
        Span<byte> utf8 = rented ?? stackalloc byte[512];
        try
        {
            var length = Encoding.UTF8.GetBytes(key, utf8);
            SHA256.HashData(utf8[..length], digest);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }
}
