using Microsoft.Extensions.Options;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// Fails start-up when <see cref="AgentOptions.MessageTypesFile"/> is unreadable or declares an unusable type, or a
/// configured routing rule is invalid, or a retry strategy names an unknown category or retries a caller's mistake — with the file, type or rule named.
/// </summary>
internal sealed class AgentConfigurationValidator : IValidateOptions<AgentOptions>
{
    private readonly IHostEnvironment _environment;

    public AgentConfigurationValidator(IHostEnvironment environment) => _environment = environment;

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        try
        {
            MessageTypesFile.Load(options.MessageTypesFile, _environment.ContentRootPath, options);
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(ex.Message);
        }
        try
        {
            MessageRouter.CompileConfigured(options.RoutingRules);
        }
        catch (AgentCoordinationException ex)
        {
            failures.Add("ToolHost:Agents:RoutingRules: " + ex.Message);
        }
        failures.AddRange(RetryStrategies.Validate(options));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
