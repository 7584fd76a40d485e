namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// What the <c>publish-kubernetes</c> and <c>publish-kubernetes-images</c> steps write, bound from the AppHost's
/// configuration section <c>Kubernetes</c> (e.g. <c>--Kubernetes:ImageTag=1.2.0</c>) and then from the code callback.
/// </summary>
public sealed class KubernetesPublishOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Kubernetes";

    /// <summary>The namespace written into the kustomization (empty: the one <c>kubectl</c> targets).</summary>
    public string? Namespace { get; set; }

    /// <summary>Registry prefix of the images, e.g. <c>ghcr.io/acme</c> (empty: bare names, e.g. for <c>kind load</c>).</summary>
    public string? ImageRegistry { get; set; }

    /// <summary>Tag of every image.</summary>
    public string ImageTag { get; set; } = "latest";

    /// <summary>Image name prefix: the <c>gateway</c> project becomes <c>mcpaspire-gateway</c>.</summary>
    public string ImagePrefix { get; set; } = "mcpaspire-";

    /// <summary>The port every service listens on in its container (<c>HTTP_PORTS</c>) and its Service exposes.</summary>
    public int ContainerPort { get; set; } = 8080;

    /// <summary>The resource whose Service is the front door (type and port below); its pods get an HPA and a PDB.</summary>
    public string FrontResource { get; set; } = "gateway";

    /// <summary>Type of the front Service: <c>ClusterIP</c> (behind an Ingress), <c>LoadBalancer</c> or <c>NodePort</c>.</summary>
    public string FrontServiceType { get; set; } = "ClusterIP";

    /// <summary>Port of the front Service.</summary>
    public int FrontServicePort { get; set; } = 80;

    /// <summary>Most replicas the front's HorizontalPodAutoscaler may run (the least is its <c>WithReplicas</c> count).</summary>
    public int FrontMaxReplicas { get; set; } = 10;

    /// <summary>Average CPU utilisation the front's autoscaler aims at, in percent of the request.</summary>
    public int FrontCpuUtilization { get; set; } = 70;

    /// <summary>CPU request of every service container (Kubernetes quantity).</summary>
    public string CpuRequest { get; set; } = "100m";

    /// <summary>CPU limit of every service container.</summary>
    public string CpuLimit { get; set; } = "1";

    /// <summary>Memory request of every service container.</summary>
    public string MemoryRequest { get; set; } = "128Mi";

    /// <summary>Memory limit of every service container.</summary>
    public string MemoryLimit { get; set; } = "512Mi";

    /// <summary>The user id the containers run as (the .NET images' <c>app</c> user).</summary>
    public long RunAsUser { get; set; } = 1654;

    /// <summary>The Redis resource of the app model (its connection string is <c>ConnectionStrings__{name}</c>).</summary>
    public string RedisResource { get; set; } = "redis";

    /// <summary>
    /// Where Redis is: <see cref="KubernetesRedisMode.InCluster"/> (a StatefulSet with a volume) or
    /// <see cref="KubernetesRedisMode.External"/> (a managed server or a Redis Cluster whose connection string is the
    /// secret key <c>{redis}-connection-string</c>, set at deploy time).
    /// </summary>
    public KubernetesRedisMode Redis { get; set; } = KubernetesRedisMode.InCluster;

    /// <summary>Image of the in-cluster Redis.</summary>
    public string RedisImage { get; set; } = "docker.io/library/redis:7.4";

    /// <summary>Size of the in-cluster Redis volume.</summary>
    public string RedisStorage { get; set; } = "1Gi";

    /// <summary>Storage class of the in-cluster Redis volume (empty: the cluster's default).</summary>
    public string? RedisStorageClass { get; set; }

    /// <summary>Name of the Secret the secret parameters live in (created at deploy time from <c>secrets.env</c>).</summary>
    public string SecretName { get; set; } = "mcpaspire-secrets";

    /// <summary>OTLP endpoint the services export to (empty: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> stays empty, no export).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Where the config files of <c>WithConfigFile</c> are mounted in the containers.</summary>
    public string ConfigMountPath { get; set; } = "/etc/mcpaspire";

    /// <summary>Base image of the container images (the SDK's <c>ContainerBaseImage</c>; empty: the SDK's default).</summary>
    public string? ContainerBaseImage { get; set; }

    /// <summary>The build configuration of the images.</summary>
    public string ImageConfiguration { get; set; } = "Release";

    /// <summary>The project resources whose images are built (empty: all), e.g. <c>--Kubernetes:ImageResources:0=gateway</c>.</summary>
    public IList<string> ImageResources { get; } = [];

    /// <summary>The full image reference of a project resource.</summary>
    public string ImageFor(string resourceName) =>
        (string.IsNullOrEmpty(ImageRegistry) ? "" : ImageRegistry.TrimEnd('/') + "/") + ImagePrefix + resourceName + ":" + ImageTag;
}

/// <summary>Where the published app finds Redis.</summary>
public enum KubernetesRedisMode
{
    /// <summary>A Redis StatefulSet with a persistent volume, written with the app.</summary>
    InCluster,

    /// <summary>A managed Redis or a Redis Cluster outside: its connection string is a secret given at deploy time.</summary>
    External,
}
