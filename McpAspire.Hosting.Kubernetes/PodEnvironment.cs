using k8s.Models;

namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// The variables a pod gets besides the app model's: the OpenTelemetry identity the AppHost gives each replica locally
/// (<c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c> with the pod's name as instance id) and the exporter's
/// endpoint (the options' collector, or empty: no export). The dashboard's tuning (1 s batch delays, its API key
/// header) stays a local-run affair.
/// </summary>
internal static class PodEnvironment
{
    public const string PodName = "POD_NAME";

    public static IReadOnlyList<V1EnvVar> For(string resourceName, KubernetesPublishOptions options) =>
    [
        new V1EnvVar
        {
            Name = PodName,
            ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } },
        },
        new V1EnvVar { Name = "OTEL_SERVICE_NAME", Value = resourceName },
        new V1EnvVar { Name = "OTEL_RESOURCE_ATTRIBUTES", Value = $"service.instance.id=$({PodName})" },
        new V1EnvVar { Name = "OTEL_EXPORTER_OTLP_ENDPOINT", Value = options.OtlpEndpoint ?? "" },
        new V1EnvVar { Name = "OTEL_EXPORTER_OTLP_PROTOCOL", Value = "grpc" },
    ];

    /// <summary><paramref name="pod"/>'s variables first (the app model's win nowhere: they are the platform's), then the rest.</summary>
    public static List<V1EnvVar> Merge(IReadOnlyList<V1EnvVar> pod, IReadOnlyList<V1EnvVar> model)
    {
        var names = pod.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        return [.. pod, .. model.Where(v => !names.Contains(v.Name))];
    }
}
