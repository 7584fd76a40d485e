using System.Text;
using k8s.Models;

namespace McpAspire.Kubernetes.Tests;

/// <summary>
/// A container's environment as the kubelet builds it from the Deployment: literal values with <c>$(NAME)</c> expanded
/// from variables defined earlier (<c>$$</c> keeps a <c>$</c>; an unknown name stays as written), <c>secretKeyRef</c>
/// from the Secret's data, <c>fieldRef: metadata.name</c> the pod's name. Anything else fails the test.
/// </summary>
internal static class KubeletEnvironment
{
    public static Dictionary<string, string> Build(IEnumerable<V1EnvVar> variables, IReadOnlyDictionary<string, string> secret, string secretName, string podName)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in variables)
        {
            result[variable.Name] = variable switch
            {
                { ValueFrom.SecretKeyRef: { } reference } when reference.Name == secretName => secret[reference.Key],
                { ValueFrom.FieldRef.FieldPath: "metadata.name" } => podName,
                { ValueFrom: null } => Expand(variable.Value ?? "", result),
                _ => throw new InvalidOperationException($"{variable.Name}: no kubelet emulation for this source"),
            };
        }
        return result;
    }

    private static string Expand(string value, Dictionary<string, string> defined)
    {
        var text = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '$')
            {
                text.Append('$');
                i++;
            }
            else if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '(' && value.IndexOf(')', i) is var end and > 0
                && defined.TryGetValue(value[(i + 2)..end], out var replacement))
            {
                text.Append(replacement);
                i = end;
            }
            else
            {
                text.Append(value[i]);
            }
        }
        return text.ToString();
    }
}
