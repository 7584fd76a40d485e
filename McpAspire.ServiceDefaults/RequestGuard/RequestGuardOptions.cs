using Microsoft.Extensions.Configuration;

namespace McpAspire.ServiceDefaults.RequestGuard;

/// <summary>
/// Which <c>Host</c> names a service answers and which browser <c>Origin</c>s may call it (configuration section
/// <c>Security</c>). Loopback names (<c>localhost</c>, <c>*.localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>) are always
/// allowed, and so is a browser page of the service's own origin; everything else must be listed. This is DNS-rebinding
/// and cross-site protection for every endpoint, not only the MCP ones.
/// </summary>
public sealed class RequestGuardOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Security";

    /// <summary>Host names (without port) besides loopback; <c>*</c> allows any (behind a trusted ingress).</summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Origins (<c>scheme://host[:port]</c>) besides loopback and same-origin; <c>*</c> allows any.</summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// Fills the lists from <paramref name="section"/>: indexed entries (<c>Security:AllowedHosts:0</c>) or one
    /// semicolon-separated value (<c>Security__AllowedHosts="a;b"</c>, like ASP.NET Core's <c>AllowedHosts</c>).
    /// </summary>
    internal static void Bind(RequestGuardOptions options, IConfigurationSection section)
    {
        foreach (var host in ListValues(section.GetSection(nameof(AllowedHosts))))
        {
            options.AllowedHosts.Add(host);
        }
        foreach (var origin in ListValues(section.GetSection(nameof(AllowedOrigins))))
        {
            options.AllowedOrigins.Add(origin);
        }
    }

    /// <summary>A list setting given as indexed children or as one <c>;</c>-separated value.</summary>
    internal static IEnumerable<string> ListValues(IConfigurationSection section) =>
        section.Value is { Length: > 0 } single
            ? single.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value).OfType<string>().Where(v => v.Length > 0);

    /// <summary>Why the options are invalid, or null.</summary>
    internal string? Validate()
    {
        foreach (var host in AllowedHosts)
        {
            if (host != "*" && (host.Contains("://", StringComparison.Ordinal) || host.Contains('/', StringComparison.Ordinal) || host.Any(char.IsWhiteSpace)))
            {
                return $"Security:AllowedHosts entry '{host}' must be a host name without scheme, port or path (or '*').";
            }
        }
        foreach (var origin in AllowedOrigins)
        {
            if (origin != "*" && (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath.Length > 1))
            {
                return $"Security:AllowedOrigins entry '{origin}' must be scheme://host[:port] (or '*').";
            }
        }
        return null;
    }
}
