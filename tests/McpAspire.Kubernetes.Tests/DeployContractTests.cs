using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using k8s.Models;

namespace McpAspire.Kubernetes.Tests;

/// <summary>
/// The deploy contract without a cluster: the services started as plain processes with exactly the environment their
/// Deployments give them (<see cref="LoopbackCluster"/>), a Redis Cluster as the external store, two gateway replicas;
/// a tool call through one gateway and the same session continued on the other.
/// </summary>
public sealed class DeployContractTests
{
    private static readonly Dictionary<string, string> s_projects = new(StringComparer.Ordinal)
    {
        ["statesvc"] = "McpAspire.StateService",
        ["toolhost"] = "McpAspire.ToolHost",
        ["gateway"] = "McpAspire.Gateway",
    };

    [Fact]
    public async Task A_session_opened_on_one_gateway_replica_continues_on_the_other_with_the_deployments_environment()
    {
        if (!LoopbackCluster.CanIsolateHosts())
        {
            Assert.False(RepoPaths.IsCi, "unshare --mount is needed for the Services' names (a private /etc/hosts per process)");
            return;
        }
        await using var redis = await RedisClusterProcess.StartAsync();
        var apiKey = "mcpk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var apiKeyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
        var configMount = Directory.CreateTempSubdirectory("mcpaspire-k8s-config-").FullName;
        using var published = await PublishedApp.PublishAsync(
            "--Kubernetes:Redis=External",
            $"--Kubernetes:ConfigMountPath={configMount}",
            $"--Kubernetes:ContainerPort={FreePort.Next()}",
            "--Gateway:Auth:ApiKeys:0:Name=deploy-contract",
            $"--Gateway:Auth:ApiKeys:0:Hash={apiKeyHash}");

        // The Secret an operator would create from secrets.env: every key the example lists, nothing else.
        var secret = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["service-key"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            ["redis-connection-string"] = redis.ConnectionString,
        };
        var keys = published.Files["secrets.env.example"].Split('\n').Where(l => l.EndsWith('=')).Select(l => l.TrimEnd('='));
        Assert.Equal(secret.Keys.Order(), keys.Order());

        var deployments = published.Objects<V1Deployment>().OrderBy(d => d.Metadata.Name == "gateway").ToList();
        await using var cluster = await LoopbackCluster.StartAsync(deployments, published.Objects<V1ConfigMap>(), secret, "mcpaspire-secrets",
            deployments.ToDictionary(d => d.Metadata.Name, d => ServiceDll(s_projects[d.Metadata.Name])));

        var gateways = cluster.Pods.Where(p => p.Deployment == "gateway").ToList();
        Assert.Equal(2, gateways.Count);
        Assert.All(cluster.Pods, p => Assert.Equal(redis.ConnectionString, p.Environment["ConnectionStrings__redis"]));
        Assert.All(cluster.Pods, p => Assert.Equal(p.Name, p.Environment["POD_NAME"]));

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var first = new Uri(gateways[0].BaseAddress, "/mcp");
        var second = new Uri(gateways[1].BaseAddress, "/mcp");
        var init = await RawMcp.SendAsync(client, RawMcp.Post(first, RawMcp.InitializeBody));
        Assert.True(init.Status == HttpStatusCode.OK, Diagnose($"{init.Status}: {init.Body}", cluster));
        var sessionId = init.SessionId!;
        var initialized = await RawMcp.SendAsync(client, RawMcp.Post(first, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", sessionId));
        Assert.Equal(HttpStatusCode.Accepted, initialized.Status);

        var onFirst = await CallEchoAsync(client, first, sessionId, "through the first replica", id: 2);
        Assert.True(onFirst.Text == "through the first replica", Diagnose(onFirst.Body, cluster));
        // The same session on the other replica: its state is in the Redis Cluster, not in the first gateway.
        var onSecond = await CallEchoAsync(client, second, sessionId, "continued on the second", id: 3);
        Assert.True(onSecond.Text == "continued on the second", Diagnose(onSecond.Body, cluster));
        Directory.Delete(configMount, recursive: true);
    }

    private static async Task<(string? Text, string Body)> CallEchoAsync(HttpClient client, Uri mcp, string sessionId, string message, int id)
    {
        var body = JsonSerializer.Serialize(new
        {
            jsonrpc = "2.0",
            id,
            method = "tools/call",
            @params = new { name = "echo", arguments = new { message } },
        });
        var response = await RawMcp.SendAsync(client, RawMcp.Post(mcp, body, sessionId));
        Assert.True(response.Status == HttpStatusCode.OK, $"{response.Status}: {response.Body}");
        var result = response.Messages.Where(m => m.TryGetProperty("result", out _)).Select(m => m.GetProperty("result")).FirstOrDefault();
        var text = result.ValueKind == JsonValueKind.Object
            ? string.Concat(result.GetProperty("content").EnumerateArray().Where(c => c.GetProperty("type").GetString() == "text").Select(c => c.GetProperty("text").GetString()))
            : null;
        return (text, response.Body);
    }

    private static string Diagnose(string body, LoopbackCluster cluster) =>
        body + "\n" + string.Join("\n", cluster.Pods.Select(p => $"--- {p.Name}:\n{p.Output}"));

    /// <summary>A service as built by the solution, from its own folder (its appsettings.json, as in its image).</summary>
    private static string ServiceDll(string project)
    {
        var configuration = typeof(DeployContractTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = RepoPaths.Combine(project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first.", dll);
    }
}
