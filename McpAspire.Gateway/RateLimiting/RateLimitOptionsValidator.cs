using McpAspire.Gateway.Catalog;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>Checks <see cref="RateLimitOptions"/> at start-up and names every problem with its configuration key.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        CheckRule(options.Principal, "Principal", problems);
        CheckRule(options.Tool, "Tool", problems);
        foreach (var (tool, rule) in options.Tools)
        {
            if (!ExposedNames.Pattern().IsMatch(tool))
            {
                problems.Add($"Tools:{tool}: not a tool name the gateway can expose (^[a-zA-Z0-9_-]{{1,64}}$).");
            }
            if (rule is null)
            {
                problems.Add($"Tools:{tool}: needs Limit and Window.");
            }
            CheckRule(rule, $"Tools:{tool}", problems);
        }
        foreach (var method in options.EffectiveExemptMethods)
        {
            if (string.IsNullOrWhiteSpace(method))
            {
                problems.Add("ExemptMethods: entries must be JSON-RPC method names, not empty.");
            }
            else if (method == "tools/call" && (options.Tool is not null || options.Tools.Count > 0))
            {
                problems.Add("ExemptMethods: tools/call is exempt, so the Tool/Tools limits could never apply.");
            }
        }
        if (options.RedisTimeout <= TimeSpan.Zero || options.RedisTimeout > TimeSpan.FromMinutes(1))
        {
            problems.Add($"RedisTimeout: must be more than 0 and at most 1 minute, not {options.RedisTimeout}.");
        }
        if (options.FailureLogInterval <= TimeSpan.Zero)
        {
            problems.Add($"FailureLogInterval: must be more than 0, not {options.FailureLogInterval}.");
        }
        if (options.Enabled && !options.HasLimits)
        {
            problems.Add("no limit is defined: set Principal, Tool or Tools (each with Limit and Window), or Enabled=false.");
        }
        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems.Select(p => $"{RateLimitOptions.SectionName}:{p}"));
    }

    private static void CheckRule(RateLimitRule? rule, string key, List<string> problems)
    {
        if (rule is null)
        {
            return;
        }
        if (rule.Limit < 1)
        {
            problems.Add($"{key}:Limit: must be at least 1, not {rule.Limit}.");
        }
        if (rule.Window < TimeSpan.FromMilliseconds(1) || rule.Window > TimeSpan.FromDays(1))
        {
            problems.Add($"{key}:Window: must be between 1 ms and 1 day, not {rule.Window}.");
        }
        if (rule.Burst is < 1)
        {
            problems.Add($"{key}:Burst: must be at least 1 when set, not {rule.Burst}.");
        }
    }
}
