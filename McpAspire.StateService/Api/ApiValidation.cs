using System.Text.RegularExpressions;

namespace McpAspire.StateService.Api;

/// <summary>
/// Input rules of the API. Ids and names are restricted to characters that can never break the key schema (no braces,
/// no separators), and sizes are bounded so one caller cannot fill Redis.
/// </summary>
public static partial class ApiValidation
{
    /// <summary>Header carrying the calling principal (set by the gateway after it authenticated the user).</summary>
    public const string PrincipalHeader = "X-McpAspire-Principal";

    public const int MaxAttributeValueLength = 4096;
    public const int MaxAttributes = 64;
    public const int MaxPageSize = 500;

    [GeneratedRegex("^[A-Za-z0-9_-]{16,128}$")]
    private static partial Regex SessionIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9._@:+=/-]{1,256}$")]
    private static partial Regex PrincipalPattern();

    [GeneratedRegex("^[A-Za-z0-9_.:/-]{1,128}$")]
    private static partial Regex StreamPattern();

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,128}$")]
    private static partial Regex AttributeKeyPattern();

    public static string? SessionId(string value) =>
        SessionIdPattern().IsMatch(value) ? null : "Session ids are 16-128 characters of A-Z a-z 0-9 _ -.";

    public static string? Name(string value, string what) =>
        NamePattern().IsMatch(value) ? null : $"{what} must be 1-64 characters of A-Z a-z 0-9 _ . -.";

    public static string? Principal(string? value) =>
        value is null ? $"The {PrincipalHeader} header is required."
        : PrincipalPattern().IsMatch(value) ? null
        : $"{PrincipalHeader} must be 1-256 characters of A-Z a-z 0-9 . _ @ : + = / -.";

    public static string? Stream(string? value) =>
        value is not null && StreamPattern().IsMatch(value) ? null : "stream must be 1-128 characters of A-Z a-z 0-9 _ . : / -.";

    public static string? Status(string? value) =>
        value is not null && NamePattern().IsMatch(value) ? null : "status must be 1-64 characters of A-Z a-z 0-9 _ . -.";

    /// <summary>Keys match the attribute pattern, values are bounded, at most <see cref="MaxAttributes"/> entries.</summary>
    public static string? Attributes<TValue>(IReadOnlyDictionary<string, TValue>? attributes, string what) where TValue : class?
    {
        if (attributes is null)
        {
            return null;
        }
        if (attributes.Count > MaxAttributes)
        {
            return $"{what} may hold at most {MaxAttributes} entries.";
        }
        foreach (var (key, value) in attributes)
        {
            if (!AttributeKeyPattern().IsMatch(key))
            {
                return $"{what} key '{Truncate(key)}' must be 1-128 characters of A-Z a-z 0-9 _ . : -.";
            }
            if (value is string s && s.Length > MaxAttributeValueLength)
            {
                return $"{what} value of '{key}' is longer than {MaxAttributeValueLength} characters.";
            }
        }
        return null;
    }

    public static string? Endpoint(string? value) =>
        string.IsNullOrWhiteSpace(value) ? "endpoint is required."
        : value.Length > 2048 ? "endpoint is longer than 2048 characters."
        : null;

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
