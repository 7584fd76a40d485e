using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace McpAspire.ServiceDefaults.ServiceAuth;

/// <summary>
/// Checks a presented service key against the accepted ones in constant time: both sides are hashed with SHA-256 first,
/// so neither the content nor the length of a key leaks through timing, and every accepted key is compared every time.
/// </summary>
public sealed class ServiceKeyVerifier
{
    // Keys longer than this are rejected unhashed; a real key is a few dozen characters.
    private const int MaxPresentedLength = 512;
    private readonly byte[][] _acceptedHashes;

    /// <summary>Creates the verifier from the configured keys.</summary>
    public ServiceKeyVerifier(IOptions<ServiceAuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _acceptedHashes = [.. options.Value.AcceptedKeys().Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];
    }

    /// <summary>True when at least one key is configured, i.e. callers must present one.</summary>
    public bool IsEnabled => _acceptedHashes.Length > 0;

    /// <summary>True when the header holds exactly one value equal to an accepted key.</summary>
    public bool IsValid(StringValues presented)
    {
        if (presented.Count != 1 || presented[0] is not { Length: > 0 and <= MaxPresentedLength } value)
        {
            return false;
        }
        Span<byte> utf8 = stackalloc byte[MaxPresentedLength * 3];
        var length = Encoding.UTF8.GetBytes(value, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        utf8[..length].Clear();
        var match = false;
        foreach (var accepted in _acceptedHashes)
        {
            // Non-short-circuiting: the time taken does not depend on which key matched.
            match |= CryptographicOperations.FixedTimeEquals(hash, accepted);
        }
        return match;
    }
}
