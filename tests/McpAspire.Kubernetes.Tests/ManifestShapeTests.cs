using k8s;
using k8s.Models;

namespace McpAspire.Kubernetes.Tests;

/// <summary>The written objects: strict load-back, probes, resources, non-root, the gateway's scaling, no affinity.</summary>
[Collection(PublishedAppCollection.Name)]
public sealed class ManifestShapeTests(PublishedAppFixture fixture)
{
    private static readonly string[] Services = ["statesvc", "toolhost", "gateway"];

    [Fact]
    public void Every_manifest_loads_back_strictly_into_typed_models()
    {
        var objects = fixture.InCluster.LoadObjectsStrict();
        Assert.DoesNotContain(objects, o => o is not IKubernetesObject);
        Assert.Equal(Services.Order(), fixture.InCluster.Objects<V1Deployment>().Select(d => d.Metadata.Name).Order());
        Assert.Equal(Services.Append("redis").Order(), fixture.InCluster.Objects<V1Service>().Select(s => s.Metadata.Name).Order());
        Assert.Single(fixture.InCluster.Objects<V1StatefulSet>(), s => s.Metadata.Name == "redis");
        Assert.Single(fixture.InCluster.Objects<V1ConfigMap>(), c => c.Metadata.Name == "gateway-config" && c.Data.ContainsKey("mcp-servers.json"));
    }

    [Fact]
    public void The_strict_loader_rejects_an_unknown_field()
    {
        // What makes the load-back above mean something: a misspelt field fails instead of being dropped.
        var yaml = fixture.InCluster.Files["gateway-service.yaml"].Replace("sessionAffinity:", "sessionAfinity:", StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true));
    }

    [Theory]
    [InlineData("statesvc", 1)]
    [InlineData("toolhost", 1)]
    [InlineData("gateway", 2)]
    public void Every_deployment_has_probes_resources_and_a_non_root_read_only_container(string name, int replicas)
    {
        var deployment = fixture.InCluster.Deployment(name);
        Assert.Equal(replicas, deployment.Spec.Replicas);
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("http", container.ReadinessProbe.HttpGet.Port.Value);
        foreach (var resource in new[] { "cpu", "memory" })
        {
            Assert.True(container.Resources.Requests.ContainsKey(resource), resource);
            Assert.True(container.Resources.Limits.ContainsKey(resource), resource);
        }
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(container.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, container.SecurityContext.RunAsUser);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Equal($"mcpaspire-{name}:latest", container.Image);
    }

    [Fact]
    public void The_gateway_scales_with_an_autoscaler_and_a_disruption_budget_and_has_no_session_affinity()
    {
        var hpa = Assert.Single(fixture.InCluster.Objects<V2HorizontalPodAutoscaler>());
        Assert.Equal("gateway", hpa.Spec.ScaleTargetRef.Name);
        Assert.Equal("Deployment", hpa.Spec.ScaleTargetRef.Kind);
        Assert.Equal(2, hpa.Spec.MinReplicas);
        Assert.True(hpa.Spec.MaxReplicas > 2);
        var pdb = Assert.Single(fixture.InCluster.Objects<V1PodDisruptionBudget>());
        Assert.Equal("gateway", pdb.Spec.Selector.MatchLabels["app.kubernetes.io/name"]);
        Assert.Equal("1", pdb.Spec.MinAvailable.Value);

        // Stateless replicas: nothing pins a client to one pod.
        foreach (var service in fixture.InCluster.Objects<V1Service>())
        {
            Assert.True(service.Spec.SessionAffinity is null or "None", service.Metadata.Name);
        }
        var gatewayPod = fixture.InCluster.Deployment("gateway").Spec.Template.Spec;
        Assert.Null(gatewayPod.Affinity);
        Assert.DoesNotContain("affinity", fixture.InCluster.Files["gateway-deployment.yaml"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_front_service_type_and_port_come_from_the_settings()
    {
        var inCluster = fixture.InCluster.Objects<V1Service>().Single(s => s.Metadata.Name == "gateway");
        Assert.Equal("ClusterIP", inCluster.Spec.Type);
        Assert.Equal(80, Assert.Single(inCluster.Spec.Ports).Port);
        var external = fixture.ExternalRedis.Objects<V1Service>().Single(s => s.Metadata.Name == "gateway");
        Assert.Equal("LoadBalancer", external.Spec.Type);
    }

    [Fact]
    public void Redis_is_a_stateful_set_with_a_volume_in_cluster_and_absent_when_external()
    {
        var redis = Assert.Single(fixture.InCluster.Objects<V1StatefulSet>());
        Assert.Equal("data", Assert.Single(redis.Spec.VolumeClaimTemplates).Metadata.Name);
        Assert.Contains(redis.Spec.Template.Spec.Containers[0].VolumeMounts, m => m.Name == "data" && m.MountPath == "/data");
        Assert.True(redis.Spec.Template.Spec.SecurityContext.RunAsNonRoot);

        Assert.Empty(fixture.ExternalRedis.Objects<V1StatefulSet>());
        Assert.DoesNotContain(fixture.ExternalRedis.Objects<V1Service>(), s => s.Metadata.Name == "redis");
        foreach (var deployment in fixture.ExternalRedis.Objects<V1Deployment>())
        {
            var env = deployment.Spec.Template.Spec.Containers[0].Env;
            var redisVar = Assert.Single(env, e => e.Name == "ConnectionStrings__redis");
            Assert.Equal("redis-connection-string", redisVar.ValueFrom.SecretKeyRef.Key);
            Assert.DoesNotContain(env, e => e.Value?.Contains("redis:6379", StringComparison.Ordinal) == true);
        }
    }

    [Fact]
    public void The_servers_file_is_a_config_map_mounted_where_the_variable_points()
    {
        var gateway = fixture.InCluster.Deployment("gateway").Spec.Template.Spec;
        var container = gateway.Containers[0];
        Assert.Equal("/etc/mcpaspire/mcp-servers.json", container.Env.Single(e => e.Name == "Gateway__ServersFile").Value);
        var mount = container.VolumeMounts.Single(m => m.MountPath == "/etc/mcpaspire");
        Assert.Null(mount.SubPath);
        Assert.Equal("gateway-config", gateway.Volumes.Single(v => v.Name == mount.Name).ConfigMap.Name);
        var configMap = fixture.InCluster.Objects<V1ConfigMap>().Single();
        Assert.Equal(File.ReadAllText(RepoPaths.Combine("McpAspire.AppHost", "mcp-servers.json")), configMap.Data["mcp-servers.json"]);
    }

    [Fact]
    public async Task Kubectl_kustomize_renders_the_folder_offline()
    {
        if (!File.Exists("/usr/bin/kubectl") && !RepoPaths.IsCi)
        {
            return;
        }
        var app = fixture.InCluster;
        await File.WriteAllTextAsync(Path.Combine(app.Directory, "secrets.env"), "redis-password=test-only-a\nservice-key=test-only-b\n");
        try
        {
            var rendered = await Kubectl.KustomizeAsync(app.Directory);
            var objects = KubernetesYaml.LoadAllFromString(rendered, typeMap: null, strict: true);
            var secret = Assert.Single(objects.OfType<V1Secret>());
            Assert.Equal("mcpaspire-secrets", secret.Metadata.Name);
            Assert.Equal(["redis-password", "service-key"], secret.Data.Keys.Order());
            Assert.Equal(11, objects.Count - 1);
        }
        finally
        {
            File.Delete(Path.Combine(app.Directory, "secrets.env"));
        }
    }
}
