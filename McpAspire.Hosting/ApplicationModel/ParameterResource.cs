namespace McpAspire.Hosting.ApplicationModel;

/// <summary>
/// An external value (secret or not): read from configuration <c>Parameters:{name}</c>, else generated when the
/// parameter has a generator (like Aspire's generated passwords), else a clear error naming the key to set.
/// </summary>
public sealed class ParameterResource : Resource, IValueProvider, IManifestExpressionProvider
{
    private readonly Func<string?> _configuredValue;
    private readonly Lock _lock = new();
    private string? _value;

    /// <summary>Creates the parameter.</summary>
    public ParameterResource(string name, Func<string?> configuredValue, bool secret, GeneratedParameterDefault? generate = null) : base(name)
    {
        _configuredValue = configuredValue ?? throw new ArgumentNullException(nameof(configuredValue));
        Secret = secret;
        Generate = generate;
    }

    /// <summary>Whether the value is a secret (never printed; <c>secret: true</c> in the manifest).</summary>
    public bool Secret { get; }

    /// <summary>How a missing value is generated, or null when it must be configured.</summary>
    public GeneratedParameterDefault? Generate { get; }

    /// <summary>The value (configured, else generated once per application run).</summary>
    public string Value
    {
        get
        {
            lock (_lock)
            {
                _value ??= _configuredValue() is { Length: > 0 } configured
                    ? configured
                    : Generate is { } g
                        ? g.NewValue()
                        : throw new InvalidOperationException($"Parameter '{Name}' has no value: set configuration key 'Parameters:{Name}' (environment Parameters__{Name}).");
                return _value;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(Value);

    /// <inheritdoc />
    public string ValueExpression => $"{{{Name}.value}}";
}
