using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace McpAspire.Gateway.Catalog;

/// <summary>
/// Names clients see must match <c>^[a-zA-Z0-9_-]{1,64}$</c>. Other characters become <c>_</c>; names longer than 64
/// keep their head and end in a short hash of the full name, so two long names stay distinct and stable across runs.
/// </summary>
public static partial class ExposedNames
{
    private static readonly SearchValues<char> s_allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    public static partial Regex Pattern();

    /// <summary>A valid exposed name for <paramref name="name"/>.</summary>
    public static string Sanitize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is > 0 and <= 64 && !name.AsSpan().ContainsAnyExcept(s_allowed))
        {
            return name;
        }
        var chars = name.Length == 0 ? "_".ToCharArray() : name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!s_allowed.Contains(chars[i]))
            {
                chars[i] = '_';
            }
        }
        var clean = new string(chars);
        if (clean.Length <= 64)
        {
            return clean;
        }
        var hash = Convert.ToHexStringLower(BitConverter.GetBytes(StableHash(name)))[..8];
        return clean[..55] + "_" + hash;
    }

    /// <summary>True when <paramref name="name"/> matches a <c>*</c>/<c>?</c> wildcard pattern (case-sensitive).</summary>
    public static bool MatchesPattern(string name, string pattern) =>
        Regex.IsMatch(name, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    private static ulong StableHash(string s)
    {
        // FNV-1a: stable across processes (string.GetHashCode is randomized per process).
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash;
    }
}
