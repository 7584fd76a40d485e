using System.Runtime.CompilerServices;
using System.Text;

namespace McpAspire.Hosting.ApplicationModel;

/// <summary>
/// A string made of literals and values known later (endpoints, parameters): evaluated to text when the app runs and
/// to <c>{…}</c> placeholders in the manifest. Build one with an interpolated string:
/// <c>ReferenceExpression.Create($"{host}:{port},password={password}")</c>.
/// </summary>
public sealed class ReferenceExpression : IValueProvider, IManifestExpressionProvider
{
    private readonly object[] _parts;

    private ReferenceExpression(object[] parts)
    {
        _parts = parts;
    }

    /// <summary>Creates an expression from an interpolated string whose holes are values or plain strings.</summary>
    public static ReferenceExpression Create(ref ExpressionInterpolatedStringHandler handler) => new(handler.ToParts());

    /// <summary>Creates an expression of one value.</summary>
    public static ReferenceExpression Create(IValueProvider value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new([value]);
    }

    /// <summary>The values the expression depends on.</summary>
    public IEnumerable<object> ValueProviders => _parts.Where(p => p is not string);

    /// <inheritdoc />
    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var sb = new StringBuilder();
        foreach (var part in _parts)
        {
            sb.Append(part is IValueProvider v ? await v.GetValueAsync(cancellationToken).ConfigureAwait(false) : (string)part);
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public string ValueExpression
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var part in _parts)
            {
                sb.Append(part switch
                {
                    string s => s,
                    IManifestExpressionProvider m => m.ValueExpression,
                    _ => throw new InvalidOperationException($"{part.GetType().Name} has no manifest expression."),
                });
            }
            return sb.ToString();
        }
    }

    /// <summary>Collects the literal and value parts of an interpolated string.</summary>
    [InterpolatedStringHandler]
    public readonly struct ExpressionInterpolatedStringHandler
    {
        private readonly List<object> _parts;

        /// <summary>Called by the compiler.</summary>
        public ExpressionInterpolatedStringHandler(int literalLength, int formattedCount)
        {
            _ = literalLength;
            _parts = new List<object>((formattedCount * 2) + 1);
        }

        /// <summary>Appends a literal.</summary>
        public void AppendLiteral(string value) => _parts.Add(value);

        /// <summary>Appends a plain string.</summary>
        public void AppendFormatted(string? value) => _parts.Add(value ?? "");

        /// <summary>Appends a value known at run time.</summary>
        public void AppendFormatted(IValueProvider value) => _parts.Add(value ?? throw new ArgumentNullException(nameof(value)));

        /// <summary>Appends a number.</summary>
        public void AppendFormatted(int value) => _parts.Add(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        internal object[] ToParts() => [.. _parts];
    }
}
