using k8s.Models;

namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// A project resource as Kubernetes objects: a Deployment (replicas, probes <c>/health</c> and <c>/alive</c>, resources,
/// a non-root read-only container) and a Service (ClusterIP, no session affinity; the front's type and port configurable).
/// </summary>
internal sealed class WorkloadFactory(KubernetesPublishOptions options)
{
    public const string HttpPortName = "http";

    /// <summary>The Deployment of <paramref name="name"/>.</summary>
    public V1Deployment Deployment(string name, int replicas, IList<V1EnvVar> environment, string? configMapName)
    {
        var volumes = new List<V1Volume> { new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() } };
        var mounts = new List<V1VolumeMount> { new() { Name = "tmp", MountPath = "/tmp" } };
        if (configMapName is not null)
        {
            // The whole folder, not subPath: the kubelet swaps it when the ConfigMap changes and the app sees the edit.
            volumes.Add(new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = configMapName } });
            mounts.Add(new V1VolumeMount { Name = "config", MountPath = options.ConfigMountPath, ReadOnlyProperty = true });
        }
        var container = new V1Container
        {
            Name = name,
            Image = options.ImageFor(name),
            ImagePullPolicy = "IfNotPresent",
            Ports = [new V1ContainerPort { Name = HttpPortName, ContainerPort = options.ContainerPort, Protocol = "TCP" }],
            Env = environment,
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity>
                {
                    ["cpu"] = new(options.CpuRequest),
                    ["memory"] = new(options.MemoryRequest),
                },
                Limits = new Dictionary<string, ResourceQuantity>
                {
                    ["cpu"] = new(options.CpuLimit),
                    ["memory"] = new(options.MemoryLimit),
                },
            },
            ReadinessProbe = Probe(name, "/health", periodSeconds: 5, failureThreshold: 3),
            LivenessProbe = Probe(name, "/alive", periodSeconds: 10, failureThreshold: 6),
            StartupProbe = Probe(name, "/alive", periodSeconds: 2, failureThreshold: 30),
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = options.RunAsUser,
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts = mounts,
        };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = name, Labels = KubernetesLabels.For(name) },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = KubernetesLabels.Selector(name) },
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 },
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = KubernetesLabels.For(name) },
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        // The gateway drains sessions on SIGTERM; the default 30 s is its budget.
                        TerminationGracePeriodSeconds = 30,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = options.RunAsUser,
                            RunAsGroup = options.RunAsUser,
                            FsGroup = options.RunAsUser,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        Containers = [container],
                        Volumes = volumes,
                    },
                },
            },
        };
    }

    /// <summary>The Service of <paramref name="name"/>: the front's type and port from the options, else ClusterIP.</summary>
    public V1Service Service(string name, int port)
    {
        var front = name == options.FrontResource;
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, Labels = KubernetesLabels.For(name) },
            Spec = new V1ServiceSpec
            {
                Type = front ? options.FrontServiceType : "ClusterIP",
                // Replicas are stateless (sessions live in Redis): any pod serves any request.
                SessionAffinity = "None",
                Selector = KubernetesLabels.Selector(name),
                Ports = [new V1ServicePort { Name = HttpPortName, Port = port, TargetPort = HttpPortName, Protocol = "TCP" }],
            },
        };
    }

    // The kubelet probes with the pod's IP as Host, which the services' request guard refuses (Security:AllowedHosts
    // names the Service); the probe says the Service's name instead.
    private static V1Probe Probe(string name, string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction
        {
            Path = path,
            Port = HttpPortName,
            HttpHeaders = [new V1HTTPHeader { Name = "Host", Value = name }],
        },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 3,
        FailureThreshold = failureThreshold,
    };
}
