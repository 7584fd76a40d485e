namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A value computed on demand, with its manifest placeholder.</summary>
public sealed class DelegateValue : IValueProvider, IManifestExpressionProvider
{
    private readonly Func<string?> _value;

    /// <summary>Creates the value.</summary>
    public DelegateValue(Func<string?> value, string valueExpression)
    {
        _value = value ?? throw new ArgumentNullException(nameof(value));
        ValueExpression = valueExpression ?? throw new ArgumentNullException(nameof(valueExpression));
    }

    /// <inheritdoc />
    public string ValueExpression { get; }

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_value());
}
