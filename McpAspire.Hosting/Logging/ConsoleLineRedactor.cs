using McpAspire.Hosting.ApplicationModel;
using McpAspire.ServiceDefaults.Redaction;

namespace McpAspire.Hosting.Logging;

/// <summary>
/// Masks secrets in the console output the AppHost captures from its processes before it is buffered (and so shown by
/// the dashboard) or echoed: every secret parameter's value (Redis password, service key) and the AppHost's own keys
/// verbatim, plus the generic patterns (<c>Bearer …</c>, <c>password=…</c>, sensitive query values). Services already
/// mask their own logs; this also covers programs that do not use the service defaults (Redis, Garnet, executables).
/// </summary>
internal sealed class ConsoleLineRedactor
{
    private readonly Func<IReadOnlyList<string>> _secrets;
    private IReadOnlyList<string>? _values;

    public ConsoleLineRedactor(DistributedApplicationModel model, params string[] appHostSecrets)
    {
        ArgumentNullException.ThrowIfNull(model);
        // Read lazily: parameter values are generated (or read from configuration) when first needed.
        _secrets = () =>
        {
            var values = new List<string>(appHostSecrets);
            foreach (var parameter in model.Resources.OfType<ParameterResource>().Where(p => p.Secret))
            {
                try
                {
                    values.Add(parameter.Value);
                }
                catch (InvalidOperationException)
                {
                    // A secret that was never given cannot be printed either.
                }
            }
            return [.. values.Where(v => v.Length >= 8).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];
        };
    }

    /// <summary>The line with every secret masked (the same instance when there is none).</summary>
    public string Redact(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _values ??= _secrets();
        return SecretText.RedactValues(SecretText.Redact(line), _values);
    }
}
