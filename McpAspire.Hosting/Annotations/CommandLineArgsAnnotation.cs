namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Command-line arguments: strings or values (<see cref="IValueProvider"/> + <see cref="IManifestExpressionProvider"/>).</summary>
public sealed class CommandLineArgsAnnotation : IResourceAnnotation
{
    /// <summary>Creates the annotation.</summary>
    public CommandLineArgsAnnotation(IReadOnlyList<object> args)
    {
        Args = args ?? throw new ArgumentNullException(nameof(args));
    }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<object> Args { get; }
}
