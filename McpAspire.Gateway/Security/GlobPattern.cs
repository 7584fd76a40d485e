using System.Text.RegularExpressions;

namespace McpAspire.Gateway.Security;

/// <summary>An exact name or a glob (<c>*</c> any run, <c>?</c> one character), matched ordinally over the whole name.</summary>
public sealed class GlobPattern
{
    private readonly string _text;
    private readonly Regex? _regex;

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    public GlobPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _text = pattern;
        if (pattern.Contains('*', StringComparison.Ordinal) || pattern.Contains('?', StringComparison.Ordinal))
        {
            var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
            _regex = new Regex(regex, RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>True when <paramref name="value"/> matches.</summary>
    public bool IsMatch(string? value) =>
        value is not null && (_regex?.IsMatch(value) ?? string.Equals(_text, value, StringComparison.Ordinal));

    /// <summary>True when any pattern matches any value.</summary>
    public static bool Any(GlobPattern[] patterns, string? first, string? second = null)
    {
        foreach (var pattern in patterns)
        {
            if (pattern.IsMatch(first) || (second is not null && pattern.IsMatch(second)))
            {
                return true;
            }
        }
        return false;
    }
}
