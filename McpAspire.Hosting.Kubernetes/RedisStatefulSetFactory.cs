using k8s.Models;

namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// The in-cluster Redis: a one-replica StatefulSet (append-only file on a volume claim, the password from the app's
/// Secret, never in the command line's text) and its Service.
/// </summary>
internal sealed class RedisStatefulSetFactory(KubernetesPublishOptions options)
{
    public const int Port = 6379;
    private const long RedisUser = 999;

    public V1StatefulSet StatefulSet(string name, string passwordKey)
    {
        var storage = new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                StorageClassName = string.IsNullOrEmpty(options.RedisStorageClass) ? null : options.RedisStorageClass,
                Resources = new V1VolumeResourceRequirements
                {
                    Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(options.RedisStorage) },
                },
            },
        };
        var tcp = new V1TCPSocketAction { Port = "redis" };
        var container = new V1Container
        {
            Name = "redis",
            Image = options.RedisImage,
            // The kubelet expands $(REDIS_PASSWORD) from the variable below; the manifest holds only its reference.
            Command = ["redis-server"],
            Args = ["--requirepass", "$(REDIS_PASSWORD)", "--appendonly", "yes", "--dir", "/data"],
            Env =
            [
                new V1EnvVar
                {
                    Name = "REDIS_PASSWORD",
                    ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = options.SecretName, Key = passwordKey } },
                },
            ],
            Ports = [new V1ContainerPort { Name = "redis", ContainerPort = Port, Protocol = "TCP" }],
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
                Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1"), ["memory"] = new("1Gi") },
            },
            ReadinessProbe = new V1Probe { TcpSocket = tcp, PeriodSeconds = 5 },
            LivenessProbe = new V1Probe { TcpSocket = tcp, PeriodSeconds = 10, FailureThreshold = 6 },
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = RedisUser,
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }],
        };
        return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = new V1ObjectMeta { Name = name, Labels = KubernetesLabels.For(name) },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = name,
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = KubernetesLabels.Selector(name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = KubernetesLabels.For(name) },
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = RedisUser,
                            RunAsGroup = RedisUser,
                            FsGroup = RedisUser,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        Containers = [container],
                    },
                },
                VolumeClaimTemplates = [storage],
            },
        };
    }

    public static V1Service Service(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, Labels = KubernetesLabels.For(name) },
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = KubernetesLabels.Selector(name),
            Ports = [new V1ServicePort { Name = "redis", Port = Port, TargetPort = "redis", Protocol = "TCP" }],
        },
    };
}
