using System.Security.Cryptography;
using System.Text;

namespace McpAspire.Dashboard.Security;

/// <summary>Constant-time comparison of secrets (API keys, browser tokens).</summary>
public static class ApiKeys
{
    /// <summary>True when <paramref name="provided"/> equals <paramref name="expected"/>, compared in constant time.</summary>
    public static bool Matches(string? provided, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (string.IsNullOrEmpty(provided))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(provided), Encoding.UTF8.GetBytes(expected));
    }

    /// <summary>A random token of 32 hex characters (128 bits).</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
