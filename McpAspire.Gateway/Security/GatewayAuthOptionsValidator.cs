using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.Security;

/// <summary>Checks <c>Gateway:Auth</c> at start-up, naming each wrong setting; refuses a gateway nobody could authenticate to.</summary>
public sealed class GatewayAuthOptionsValidator : IValidateOptions<GatewayAuthOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GatewayAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string at = GatewayAuthOptions.SectionName;
        if (!options.JwtEnabled && options.ApiKeys.Count == 0 && !options.AllowAnonymous)
        {
            errors.Add($"{at}: no way to authenticate is configured. Set {at}:Jwt:Issuer (with JwksUri or MetadataAddress), "
                + $"add {at}:ApiKeys (hash a key with 'dotnet run --project McpAspire.Gateway -- hash-key KEY'), "
                + $"or set {at}:AllowAnonymous=true for local use only.");
        }
        if (!string.IsNullOrWhiteSpace(options.Resource) && (!IsHttpUrl(options.Resource, out var resource) || resource!.Fragment.Length > 0))
        {
            errors.Add($"{at}:Resource must be an absolute http(s) URL without a fragment, e.g. https://mcp.example.com/mcp; got '{options.Resource}'.");
        }
        foreach (var server in options.AuthorizationServers)
        {
            if (!IsHttpUrl(server, out _))
            {
                errors.Add($"{at}:AuthorizationServers: '{server}' is not an absolute http(s) URL.");
            }
        }
        if (string.IsNullOrWhiteSpace(options.AdminScope))
        {
            errors.Add($"{at}:AdminScope must not be empty.");
        }
        if (options.RequiredScopes.Any(s => string.IsNullOrWhiteSpace(s) || s.Contains(' ', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal)))
        {
            errors.Add($"{at}:RequiredScopes entries must be single scope tokens (no spaces or quotes).");
        }
        ValidateJwt(options.Jwt, errors);
        ValidateKeys(options.ApiKeys, errors);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            if (!Enum.IsDefined(rule.Effect))
            {
                errors.Add($"{at}:Rules:{i}:Effect must be Allow or Deny.");
            }
            if (rule.Principals.Concat(rule.Roles).Concat(rule.Scopes).Concat(rule.Servers).Concat(rule.Tools).Concat(rule.Prompts).Concat(rule.Resources).Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{at}:Rules:{i}: patterns must not be empty.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateJwt(JwtBearerSettings jwt, List<string> errors)
    {
        const string at = GatewayAuthOptions.SectionName + ":Jwt";
        if (string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            if (!string.IsNullOrWhiteSpace(jwt.JwksUri) || !string.IsNullOrWhiteSpace(jwt.MetadataAddress) || !string.IsNullOrWhiteSpace(jwt.Audience))
            {
                errors.Add($"{at}:Issuer is required when JwksUri, MetadataAddress or Audience is set.");
            }
            return;
        }
        if (!IsHttpUrl(jwt.Issuer, out _))
        {
            errors.Add($"{at}:Issuer must be an absolute http(s) URL; got '{jwt.Issuer}'.");
        }
        if (!string.IsNullOrWhiteSpace(jwt.JwksUri) && !string.IsNullOrWhiteSpace(jwt.MetadataAddress))
        {
            errors.Add($"{at}: give JwksUri or MetadataAddress, not both.");
        }
        foreach (var (setting, url) in new[] { ("JwksUri", jwt.JwksUri), ("MetadataAddress", jwt.MetadataAddress) })
        {
            if (!string.IsNullOrWhiteSpace(url) && !IsHttpUrl(url, out _))
            {
                errors.Add($"{at}:{setting} must be an absolute http(s) URL; got '{url}'.");
            }
        }
        if (jwt.RequireHttpsMetadata && IsHttpUrl(jwt.Issuer, out _))
        {
            var source = JwtKeySource.Of(jwt);
            if (source.StartsWith("http:", StringComparison.OrdinalIgnoreCase) && !JwtKeySource.IsLoopback(source))
            {
                errors.Add($"{at}: signing keys would be read over plain http from '{source}'; use https or set RequireHttpsMetadata=false (loopback hosts are always allowed).");
            }
        }
        if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{at}:ClockSkew must be between 0 and 10 minutes.");
        }
        if (jwt.KeyRefreshInterval < TimeSpan.FromMinutes(1))
        {
            errors.Add($"{at}:KeyRefreshInterval must be at least one minute.");
        }
        if (jwt.ScopeClaims.Count == 0 || jwt.ScopeClaims.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{at}:ScopeClaims must name at least one claim, none empty.");
        }
    }

    private static void ValidateKeys(IList<ApiKeyEntry> keys, List<string> errors)
    {
        const string at = GatewayAuthOptions.SectionName + ":ApiKeys";
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                errors.Add($"{at}:{i}:Name is required.");
            }
            else if (!names.Add(key.Name))
            {
                errors.Add($"{at}:{i}:Name '{key.Name}' is used twice.");
            }
            if (!ApiKeyHasher.TryParse(key.Hash, out var digest))
            {
                // Never echo the value: it may be a plain key pasted by mistake.
                errors.Add($"{at}:{i}:Hash must be the 64-hex-digit SHA-256 of the key (optionally 'sha256:…'), not the key itself; "
                    + "produce it with 'dotnet run --project McpAspire.Gateway -- hash-key KEY'.");
            }
            else if (!hashes.Add(Convert.ToHexString(digest)))
            {
                errors.Add($"{at}:{i}: the same key hash appears twice.");
            }
        }
    }

    private static bool IsHttpUrl(string? value, out Uri? uri) =>
        Uri.TryCreate(value, UriKind.Absolute, out uri) && uri.Scheme is "http" or "https";
}
