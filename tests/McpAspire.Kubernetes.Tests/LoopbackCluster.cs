using System.Diagnostics;
using System.Net;
using k8s.Models;

namespace McpAspire.Kubernetes.Tests;

/// <summary>
/// The Deployments run as plain processes, each pod on its own loopback address (127.77.0.x, all on the Deployment's
/// container port) with exactly the environment the kubelet would give it, and the Services' names resolving to their
/// pods through a private <c>/etc/hosts</c> (a mount namespace per process, <c>unshare --mount</c>): cluster DNS and pod
/// IPs without a cluster. The one addition is <c>ASPNETCORE_URLS</c>, the pod's own address, which a pod's network
/// namespace gives for free. ConfigMap volumes are written where they are mounted (the test publishes with a mount
/// path under its temporary folder). Ready when the readiness probe of the manifest (path and headers) answers 200.
/// </summary>
internal sealed class LoopbackCluster : IAsyncDisposable
{
    private readonly List<Pod> _pods = [];
    private readonly string _hostsFile;

    private LoopbackCluster(string hostsFile)
    {
        _hostsFile = hostsFile;
    }

    public IReadOnlyList<Pod> Pods => _pods;

    /// <summary>True when this machine lets a process take a private <c>/etc/hosts</c> (root and <c>unshare</c>).</summary>
    public static bool CanIsolateHosts()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["--mount", "true"]) { RedirectStandardError = true })!;
            probe.WaitForExit(5000);
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Starts every Deployment's replicas (each in <paramref name="binaries"/>' folder for its name) and waits until each is ready.</summary>
    public static async Task<LoopbackCluster> StartAsync(IReadOnlyList<V1Deployment> deployments, IReadOnlyList<V1ConfigMap> configMaps,
        IReadOnlyDictionary<string, string> secret, string secretName, IReadOnlyDictionary<string, string> binaries)
    {
        foreach (var deployment in deployments)
        {
            MountConfigMaps(deployment, configMaps);
        }
        var hostsFile = Path.Combine(Path.GetTempPath(), $"mcpaspire-k8s-hosts-{Guid.NewGuid():N}");
        var cluster = new LoopbackCluster(hostsFile);
        var next = 2;
        var plan = new List<(V1Deployment Deployment, string PodName, IPAddress Address)>();
        var hosts = new List<string> { "127.0.0.1 localhost" };
        foreach (var deployment in deployments)
        {
            for (var replica = 0; replica < (deployment.Spec.Replicas ?? 1); replica++)
            {
                var address = IPAddress.Parse($"127.77.0.{next++}");
                plan.Add((deployment, $"{deployment.Metadata.Name}-{replica}", address));
                if (replica == 0)
                {
                    // The Service's name: its first pod (a ClusterIP would spread; nothing here calls a scaled service by name).
                    hosts.Add($"{address} {deployment.Metadata.Name}");
                }
            }
        }
        await File.WriteAllTextAsync(hostsFile, string.Join('\n', hosts) + "\n");
        try
        {
            foreach (var (deployment, podName, address) in plan)
            {
                cluster._pods.Add(await Pod.StartAsync(deployment, podName, address, secret, secretName, binaries[deployment.Metadata.Name], hostsFile));
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    private static void MountConfigMaps(V1Deployment deployment, IReadOnlyList<V1ConfigMap> configMaps)
    {
        var pod = deployment.Spec.Template.Spec;
        foreach (var mount in pod.Containers.Single().VolumeMounts ?? [])
        {
            if (pod.Volumes.Single(v => v.Name == mount.Name).ConfigMap is { } source)
            {
                Assert.StartsWith(Path.GetTempPath(), mount.MountPath, StringComparison.Ordinal);
                Directory.CreateDirectory(mount.MountPath);
                foreach (var (file, content) in configMaps.Single(c => c.Metadata.Name == source.Name).Data)
                {
                    File.WriteAllText(Path.Combine(mount.MountPath, file), content);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pod in _pods)
        {
            await pod.DisposeAsync();
        }
        File.Delete(_hostsFile);
    }

    /// <summary>One replica: a process on its own loopback address.</summary>
    internal sealed class Pod : IAsyncDisposable
    {
        private readonly CapturedProcess _process;

        private Pod(string name, string deployment, Uri baseAddress, IReadOnlyDictionary<string, string> environment, CapturedProcess process)
        {
            Name = name;
            Deployment = deployment;
            BaseAddress = baseAddress;
            Environment = environment;
            _process = process;
        }

        public string Name { get; }

        public string Deployment { get; }

        public Uri BaseAddress { get; }

        /// <summary>The environment the process got (the Deployment's, built as the kubelet does).</summary>
        public IReadOnlyDictionary<string, string> Environment { get; }

        public string Output => _process.Output;

        public static async Task<Pod> StartAsync(V1Deployment deployment, string podName, IPAddress address, IReadOnlyDictionary<string, string> secret,
            string secretName, string dll, string hostsFile)
        {
            var container = deployment.Spec.Template.Spec.Containers.Single();
            var port = container.Ports.Single(p => p.Name == "http").ContainerPort;
            var environment = KubeletEnvironment.Build(container.Env, secret, secretName, podName);
            var start = new ProcessStartInfo("unshare") { WorkingDirectory = Path.GetDirectoryName(dll)! };
            start.Environment.Clear();
            foreach (var arg in new[] { "--mount", "--", "sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hostsFile, DotnetHost, dll })
            {
                start.ArgumentList.Add(arg);
            }
            // Only what a container image brings: a PATH and a HOME; the rest is the Deployment's.
            var all = new Dictionary<string, string>(environment)
            {
                ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                ["HOME"] = Path.GetTempPath(),
                ["ASPNETCORE_URLS"] = $"http://{address}:{port}",
            };
            var pod = new Pod(podName, deployment.Metadata.Name, new Uri($"http://{address}:{port}/"), environment, CapturedProcess.Start(start, all));

            var probe = container.ReadinessProbe.HttpGet;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await pod._process.WaitReadyAsync(podName, "pass its readiness probe", async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(pod.BaseAddress, probe.Path));
                foreach (var header in probe.HttpHeaders ?? [])
                {
                    request.Headers.Host = header.Name == "Host" ? header.Value : request.Headers.Host;
                }
                try
                {
                    using var response = await http.SendAsync(request);
                    return response.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(200));
            return pod;
        }

        private static string DotnetHost => System.Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

        public ValueTask DisposeAsync() => _process.DisposeAsync();
    }
}
