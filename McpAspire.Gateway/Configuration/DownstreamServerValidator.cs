using System.Text.RegularExpressions;

namespace McpAspire.Gateway.Configuration;

/// <summary>Checks each downstream server's settings, naming the setting that is wrong.</summary>
public static partial class DownstreamServerValidator
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,48}$")]
    private static partial Regex ServerNamePattern();

    /// <summary>Problems with one server (empty when fine).</summary>
    public static List<string> Validate(string name, DownstreamServerOptions o, string where)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<string>();
        if (!ServerNamePattern().IsMatch(name))
        {
            errors.Add($"{where}: server name '{name}' must be 1-48 characters of A-Z a-z 0-9 _ - (it becomes a tool-name prefix).");
        }
        if (name.Contains(GatewayOptions.PrefixSeparator, StringComparison.Ordinal))
        {
            errors.Add($"{where}: server name '{name}' must not contain '{GatewayOptions.PrefixSeparator}'.");
        }
        if (o.Prefix is not null && !ServerNamePattern().IsMatch(o.Prefix))
        {
            errors.Add($"{where}:Prefix '{o.Prefix}' must be 1-48 characters of A-Z a-z 0-9 _ -.");
        }
        switch (o.EffectiveTransport)
        {
            case DownstreamTransport.Stdio:
                if (string.IsNullOrWhiteSpace(o.Command))
                {
                    errors.Add($"{where}:Command is required for the stdio transport.");
                }
                if (o.Url is not null)
                {
                    errors.Add($"{where}: give either Command (stdio) or Url (http), not both.");
                }
                break;
            default:
                if (string.IsNullOrWhiteSpace(o.Url) || !Uri.TryCreate(o.Url, UriKind.Absolute, out var url)
                    || !(url.Scheme is "http" or "https" || url.Scheme.Contains('+', StringComparison.Ordinal)))
                {
                    errors.Add($"{where}:Url must be an absolute http(s) URL (or a service name such as https+http://toolhost/mcp); got '{o.Url}'.");
                }
                break;
        }
        if (o.ProtocolVersion is not ("latest" or "2024-11-05" or "2025-03-26" or "2025-06-18" or "2025-11-25" or "2026-07-28"))
        {
            errors.Add($"{where}:ProtocolVersion '{o.ProtocolVersion}' is not a known MCP revision (or 'latest').");
        }
        Positive(errors, where, "ConnectionTimeout", o.ConnectionTimeout);
        Positive(errors, where, "RequestTimeout", o.RequestTimeout);
        Positive(errors, where, "ReconnectDelay", o.ReconnectDelay);
        Positive(errors, where, "CatalogTtl", o.CatalogTtl);
        if (o.MaxReconnectDelay < o.ReconnectDelay)
        {
            errors.Add($"{where}:MaxReconnectDelay must be at least ReconnectDelay.");
        }
        if (o.HealthCheckInterval < TimeSpan.Zero)
        {
            errors.Add($"{where}:HealthCheckInterval must not be negative (0 turns health checks off).");
        }
        if (o.MaxReconnectAttempts < 0)
        {
            errors.Add($"{where}:MaxReconnectAttempts must not be negative (0 means unlimited).");
        }
        if (o.RetryAttempts is < 0 or > 10)
        {
            errors.Add($"{where}:RetryAttempts must be between 0 and 10.");
        }
        if (o.RetryDelay < TimeSpan.Zero)
        {
            errors.Add($"{where}:RetryDelay must not be negative.");
        }
        foreach (var pattern in o.AllowTools.Concat(o.DenyTools))
        {
            if (string.IsNullOrWhiteSpace(pattern))
            {
                errors.Add($"{where}: tool filter patterns must not be empty.");
            }
        }
        return errors;
    }

    private static void Positive(List<string> errors, string where, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{where}:{name} must be positive.");
        }
    }
}
