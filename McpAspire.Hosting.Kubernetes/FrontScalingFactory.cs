using k8s.Models;

namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// The front's scaling objects: a HorizontalPodAutoscaler (CPU, from its <c>WithReplicas</c> count up to the options'
/// maximum) and a PodDisruptionBudget that keeps one replica through node drains.
/// </summary>
internal sealed class FrontScalingFactory(KubernetesPublishOptions options)
{
    public V2HorizontalPodAutoscaler Autoscaler(string name, int minReplicas) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = new V1ObjectMeta { Name = name, Labels = KubernetesLabels.For(name) },
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = name },
            MinReplicas = minReplicas,
            MaxReplicas = Math.Max(minReplicas, options.FrontMaxReplicas),
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource
                    {
                        Name = "cpu",
                        Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = options.FrontCpuUtilization },
                    },
                },
            ],
        },
    };

    public static V1PodDisruptionBudget DisruptionBudget(string name) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = new V1ObjectMeta { Name = name, Labels = KubernetesLabels.For(name) },
        Spec = new V1PodDisruptionBudgetSpec
        {
            MinAvailable = 1,
            Selector = new V1LabelSelector { MatchLabels = KubernetesLabels.Selector(name) },
        },
    };
}
