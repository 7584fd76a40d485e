using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard.Configuration;

/// <summary>Validates the dashboard's settings at start-up, nested sections included, with the setting's name in each message.</summary>
public sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>, IValidateOptions<ResourceServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(options.Frontend, "Dashboard:Frontend", failures);
        Check(options.Otlp, "Dashboard:Otlp", failures);
        Check(options.Mcp, "Dashboard:Mcp", failures);
        Check(options.Storage, "Dashboard:Storage", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, ResourceServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Url is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            return ValidateOptionsResult.Fail($"ResourceService:Url '{url}' is not an absolute http(s) URL.");
        }
        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(10))
        {
            return ValidateOptionsResult.Fail($"ResourceService:RequestTimeout '{options.RequestTimeout}' must be between 0 and 10 minutes.");
        }
        return ValidateOptionsResult.Success;
    }

    private static void Check(object section, string prefix, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{prefix}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}
