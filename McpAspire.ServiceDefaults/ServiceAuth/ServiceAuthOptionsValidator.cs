using Microsoft.Extensions.Options;

namespace McpAspire.ServiceDefaults.ServiceAuth;

/// <summary>Checks <see cref="ServiceAuthOptions"/> at start-up: a required key is present, no key is too short.</summary>
public sealed class ServiceAuthOptionsValidator : IValidateOptions<ServiceAuthOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ServiceAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Required && string.IsNullOrEmpty(options.Key))
        {
            failures.Add($"{ServiceAuthOptions.SectionName}:Required is true but {ServiceAuthOptions.SectionName}:Key is not set "
                + "(the AppHost injects it as ServiceAuth__Key; set it, or set ServiceAuth:Required=false to run open).");
        }
        if (!string.IsNullOrEmpty(options.Key) && options.Key.Length < ServiceAuthOptions.MinimumKeyLength)
        {
            failures.Add($"{ServiceAuthOptions.SectionName}:Key is shorter than {ServiceAuthOptions.MinimumKeyLength} characters.");
        }
        for (var i = 0; i < options.PreviousKeys.Count; i++)
        {
            if (options.PreviousKeys[i] is { Length: > 0 } previous && previous.Length < ServiceAuthOptions.MinimumKeyLength)
            {
                failures.Add($"{ServiceAuthOptions.SectionName}:PreviousKeys:{i} is shorter than {ServiceAuthOptions.MinimumKeyLength} characters.");
            }
        }
        // Never echo a key in a message: these end up in logs.
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
