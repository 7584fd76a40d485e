using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;

namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// Writes the app model as Kubernetes manifests into a folder: per project a Deployment and a Service, the front's
/// autoscaler and disruption budget, a ConfigMap per resource with config files, the in-cluster Redis (or none, for an
/// external one), and a <c>kustomization.yaml</c> whose secret generator reads <c>secrets.env</c>, the file the operator
/// writes at deploy time (only <c>secrets.env.example</c>, keys without values, is written here).
/// </summary>
internal sealed class KubernetesManifestPublisher(KubernetesPublishOptions options)
{
    public const string KustomizationFile = "kustomization.yaml";
    public const string SecretsFile = "secrets.env";
    public const string SecretsExampleFile = "secrets.env.example";

    /// <summary>Builds every object of the model, in the order they are written.</summary>
    public async Task<KubernetesManifests> BuildAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext context, CancellationToken cancellationToken)
    {
        var resolver = new EnvironmentResolver(options);
        var workloads = new WorkloadFactory(options);
        var scaling = new FrontScalingFactory(options);
        var objects = new List<IKubernetesObject<V1ObjectMeta>>();

        foreach (var project in model.Resources.OfType<ProjectResource>())
        {
            var name = project.Name;
            var environment = await resolver.ResolveAsync(project, context, cancellationToken).ConfigureAwait(false);
            var replicas = project.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
            string? configMapName = null;
            var files = project.Annotations.OfType<ConfigFileAnnotation>().ToList();
            if (files.Count > 0)
            {
                configMapName = name + "-config";
                objects.Add(new V1ConfigMap
                {
                    ApiVersion = "v1",
                    Kind = "ConfigMap",
                    Metadata = new V1ObjectMeta { Name = configMapName, Labels = KubernetesLabels.For(name) },
                    Data = files.ToDictionary(f => f.FileName, f => File.ReadAllText(f.SourcePath), StringComparer.Ordinal),
                });
            }
            objects.Add(workloads.Deployment(name, replicas, PodEnvironment.Merge(PodEnvironment.For(name, options), environment), configMapName));
            var http = project.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.Name == WorkloadFactory.HttpPortName);
            objects.Add(workloads.Service(name, http is null ? options.ContainerPort : resolver.ServicePort(project, http)));
            if (name == options.FrontResource)
            {
                objects.Add(scaling.Autoscaler(name, replicas));
                objects.Add(FrontScalingFactory.DisruptionBudget(name));
            }
        }

        var redis = model.Resources.FirstOrDefault(r => r.Name == options.RedisResource);
        if (redis is not null && options.Redis == KubernetesRedisMode.InCluster)
        {
            var passwordKey = (redis as RedisResource)?.PasswordParameter?.Name ?? options.RedisResource + "-password";
            var redisObjects = new RedisStatefulSetFactory(options);
            objects.Add(redisObjects.StatefulSet(redis.Name, passwordKey));
            objects.Add(RedisStatefulSetFactory.Service(redis.Name));
            resolver.RequireSecretKey(passwordKey);
        }
        return new KubernetesManifests(objects, [.. resolver.SecretKeys.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Writes <paramref name="manifests"/> into <paramref name="outputDirectory"/>; returns the files written.</summary>
    public IReadOnlyList<string> Write(KubernetesManifests manifests, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var written = new List<string>();
        var resources = new List<string>();
        foreach (var item in manifests.Objects)
        {
            var file = $"{item.Metadata.Name}-{item.Kind.ToLowerInvariant()}.yaml";
            File.WriteAllText(Path.Combine(outputDirectory, file), KubernetesYaml.Serialize(item));
            resources.Add(file);
            written.Add(file);
        }
        File.WriteAllText(Path.Combine(outputDirectory, KustomizationFile), Kustomization.Serialize(options, resources, SecretsFile));
        written.Add(KustomizationFile);
        File.WriteAllText(Path.Combine(outputDirectory, SecretsExampleFile), SecretsExample(manifests.SecretKeys));
        written.Add(SecretsExampleFile);
        File.WriteAllText(Path.Combine(outputDirectory, ".gitignore"), SecretsFile + "\n");
        written.Add(".gitignore");
        return written;
    }

    private string SecretsExample(IReadOnlyList<string> keys)
    {
        var lines = new List<string>
        {
            $"# The keys of the Secret '{options.SecretName}'. Copy to {SecretsFile} (git-ignored), fill in every value, then",
            "# `kubectl apply -k .`. Random values: openssl rand -hex 24.",
        };
        foreach (var key in keys)
        {
            if (key == EnvironmentResolver.ExternalRedisKey(options))
            {
                lines.Add("# The managed Redis or Redis Cluster: host:port[,host:port…],password=…[,ssl=true]");
            }
            lines.Add(key + "=");
        }
        return string.Join('\n', lines) + "\n";
    }
}

/// <summary>What <see cref="KubernetesManifestPublisher.BuildAsync"/> built: the objects and the Secret's keys.</summary>
internal sealed record KubernetesManifests(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects, IReadOnlyList<string> SecretKeys);
