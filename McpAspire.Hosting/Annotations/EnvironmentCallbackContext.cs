namespace McpAspire.Hosting.ApplicationModel;

/// <summary>
/// Passed to environment callbacks. Values may be strings or anything implementing <see cref="IValueProvider"/> and
/// <see cref="IManifestExpressionProvider"/>; they are evaluated per run or written as placeholders in the manifest.
/// </summary>
public sealed class EnvironmentCallbackContext
{
    /// <summary>Creates the context.</summary>
    public EnvironmentCallbackContext(DistributedApplicationExecutionContext executionContext, IResource resource)
    {
        ExecutionContext = executionContext;
        Resource = resource;
    }

    /// <summary>Run or publish.</summary>
    public DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <summary>The resource whose environment is being built.</summary>
    public IResource Resource { get; }

    /// <summary>The variables, ordered as added.</summary>
    public IDictionary<string, object> EnvironmentVariables { get; } = new Dictionary<string, object>(StringComparer.Ordinal);
}
