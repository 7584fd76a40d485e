namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Adds environment variables to a resource when its environment is built (run or publish).</summary>
public sealed class EnvironmentCallbackAnnotation : IResourceAnnotation
{
    /// <summary>Creates the annotation.</summary>
    public EnvironmentCallbackAnnotation(Action<EnvironmentCallbackContext> callback)
    {
        Callback = callback ?? throw new ArgumentNullException(nameof(callback));
    }

    /// <summary>The callback.</summary>
    public Action<EnvironmentCallbackContext> Callback { get; }
}
