using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// <c>kustomization.yaml</c> (kustomize's own format; KubernetesClient has no model for it): the written objects, the
/// namespace, and a secret generator that builds the app's Secret from <c>secrets.env</c> at deploy time.
/// </summary>
internal static class Kustomization
{
    public static string Serialize(KubernetesPublishOptions options, IReadOnlyList<string> resources, string secretsFile)
    {
        var document = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
        };
        if (!string.IsNullOrEmpty(options.Namespace))
        {
            document["namespace"] = options.Namespace;
        }
        document["resources"] = resources;
        document["secretGenerator"] = new[]
        {
            new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["name"] = options.SecretName,
                ["envs"] = new[] { secretsFile },
                // A fixed name: the Deployments' secretKeyRefs name it, and rotating a value is `kubectl apply -k` again.
                ["options"] = new Dictionary<string, object>(StringComparer.Ordinal) { ["disableNameSuffixHash"] = true },
            },
        };
        return new SerializerBuilder().WithNamingConvention(NullNamingConvention.Instance).Build().Serialize(document);
    }
}
