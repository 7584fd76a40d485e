using System.Text;
using k8s.Models;

namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// One environment value as Kubernetes can carry it: literal text with secret parts. A value that is one secret is a
/// <c>secretKeyRef</c>; a value mixing text and secrets (a connection string with a password) gets each secret as an
/// extra variable defined before it and refers to it as <c>$(NAME)</c>, which the kubelet expands.
/// </summary>
internal sealed class EnvironmentValue
{
    private readonly List<object> _parts = [];

    /// <summary>The parts: <see cref="string"/> literals and <see cref="SecretKey"/>s.</summary>
    public IReadOnlyList<object> Parts => _parts;

    /// <summary>True when the variable has no Kubernetes form and is left out (an https endpoint: pods serve plain http).</summary>
    public bool Dropped { get; private set; }

    public static EnvironmentValue Literal(string text) => new EnvironmentValue().Append(text);

    public static EnvironmentValue Drop() => new() { Dropped = true };

    public static EnvironmentValue Secret(string key) => new EnvironmentValue().Append(new SecretKey(key));

    public EnvironmentValue Append(string text)
    {
        if (text.Length > 0)
        {
            _parts.Add(text);
        }
        return this;
    }

    public EnvironmentValue Append(SecretKey secret)
    {
        _parts.Add(secret);
        return this;
    }

    public EnvironmentValue Append(EnvironmentValue other)
    {
        Dropped |= other.Dropped;
        foreach (var part in other._parts)
        {
            _parts.Add(part);
        }
        return this;
    }

    /// <summary>The text when there is no secret part, else null.</summary>
    public string? TryGetLiteral() => _parts.All(p => p is string) ? string.Concat(_parts.Cast<string>()) : null;

    /// <summary>The container variables for <paramref name="name"/>: helper secret variables first, then the variable itself.</summary>
    public IEnumerable<V1EnvVar> ToEnvVars(string name, string secretName)
    {
        if (TryGetLiteral() is { } literal)
        {
            // A literal "$(X)" would be expanded by the kubelet; "$$" keeps it as written.
            yield return new V1EnvVar { Name = name, Value = literal.Replace("$(", "$$(", StringComparison.Ordinal) };
            yield break;
        }
        if (_parts is [SecretKey only])
        {
            yield return SecretVar(name, secretName, only.Key);
            yield break;
        }
        var value = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part is SecretKey secret)
            {
                var helper = HelperName(secret.Key);
                yield return SecretVar(helper, secretName, secret.Key);
                value.Append("$(").Append(helper).Append(')');
            }
            else
            {
                value.Append(((string)part).Replace("$(", "$$(", StringComparison.Ordinal));
            }
        }
        yield return new V1EnvVar { Name = name, Value = value.ToString() };
    }

    /// <summary>The helper variable a secret part is read into: <c>MCPASPIRE_SECRET_REDIS_PASSWORD</c> for <c>redis-password</c>.</summary>
    public static string HelperName(string key) =>
        "MCPASPIRE_SECRET_" + new string([.. key.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);

    private static V1EnvVar SecretVar(string name, string secretName, string key) =>
        new()
        {
            Name = name,
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Key = key, Name = secretName } },
        };
}

/// <summary>A key of the app's Secret (a secret parameter's name).</summary>
internal sealed record SecretKey(string Key);
