using Microsoft.Extensions.Options;

namespace McpAspire.ToolHost.Agents;

/// <summary>Fails start-up when <see cref="AgentOptions.MessageTypesFile"/> is unreadable or declares an unusable type.</summary>
internal sealed class MessageTypesFileValidator : IValidateOptions<AgentOptions>
{
    private readonly IHostEnvironment _environment;

    public MessageTypesFileValidator(IHostEnvironment environment) => _environment = environment;

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            MessageTypesFile.Load(options.MessageTypesFile, _environment.ContentRootPath, options);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
