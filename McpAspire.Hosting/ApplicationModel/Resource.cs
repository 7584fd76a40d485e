using System.Text.RegularExpressions;

namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Base class of every resource: a validated name plus annotations.</summary>
public abstract partial class Resource : IResource
{
    /// <summary>Creates a resource; the name must be a DNS-label-like identifier (it becomes env keys and URLs).</summary>
    protected Resource(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Resource name '{name}' is invalid: use ASCII letters, digits and '-', starting with a letter, at most 64 characters.", nameof(name));
        }
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ResourceAnnotationCollection Annotations { get; } = [];

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}({Name})";

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9-]{0,63}$")]
    private static partial Regex NamePattern();
}
