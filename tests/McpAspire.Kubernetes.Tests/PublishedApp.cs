using System.Diagnostics;
using System.Reflection;
using k8s;
using k8s.Models;

namespace McpAspire.Kubernetes.Tests;

/// <summary>
/// The AppHost's <c>publish-kubernetes</c> step run as the README says (the built AppHost, <c>--operation publish
/// --step publish-kubernetes --output-path DIR</c> plus <c>Kubernetes:*</c> settings), and what it wrote, loaded back.
/// </summary>
public sealed class PublishedApp : IDisposable
{
    private PublishedApp(string directory, string output)
    {
        Directory = directory;
        PublishOutput = output;
    }

    /// <summary>The output folder.</summary>
    public string Directory { get; }

    /// <summary>What the AppHost printed.</summary>
    public string PublishOutput { get; }

    /// <summary>Every file written, by name.</summary>
    public IReadOnlyDictionary<string, string> Files =>
        System.IO.Directory.GetFiles(Directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Directory, f), File.ReadAllText, StringComparer.Ordinal);

    /// <summary>Every object of every written manifest (not the kustomization), loaded with KubernetesClient in strict mode.</summary>
    public IReadOnlyList<object> LoadObjectsStrict() =>
        [.. Files.Where(f => f.Key.EndsWith(".yaml", StringComparison.Ordinal) && f.Key != "kustomization.yaml")
            .SelectMany(f => KubernetesYaml.LoadAllFromString(f.Value, typeMap: null, strict: true))];

    public IReadOnlyList<T> Objects<T>() => [.. LoadObjectsStrict().OfType<T>()];

    public V1Deployment Deployment(string name) => Objects<V1Deployment>().Single(d => d.Metadata.Name == name);

    /// <summary>Runs the step with <paramref name="settings"/> (<c>--Key=Value</c> arguments) into a new temporary folder.</summary>
    public static async Task<PublishedApp> PublishAsync(params string[] settings)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("mcpaspire-k8s-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Combine("McpAspire.AppHost"),
        };
        foreach (var arg in new[] { AppHostDll, "--operation", "publish", "--step", "publish-kubernetes", "--output-path", directory }.Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(directory, "kustomization.yaml")))
        {
            throw new InvalidOperationException($"publish-kubernetes failed ({process.ExitCode}):\n{output}");
        }
        return new PublishedApp(directory, output);
    }

    /// <summary>The AppHost built beside the tests, in the same configuration.</summary>
    public static string AppHostDll
    {
        get
        {
            var configuration = typeof(PublishedApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var dll = RepoPaths.Combine("McpAspire.AppHost", "bin", configuration, "net10.0", "McpAspire.AppHost.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the AppHost first (the solution build does).", dll);
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The app published twice: in-cluster Redis (the defaults) and an external Redis; shared by the tests.</summary>
public sealed class PublishedAppFixture : IAsyncLifetime
{
    public PublishedApp InCluster { get; private set; } = null!;

    public PublishedApp ExternalRedis { get; private set; } = null!;

    /// <summary>Published with every secret parameter set in the AppHost's configuration, as a user might.</summary>
    public PublishedApp WithSecretValues { get; private set; } = null!;

    /// <summary>The values given to <see cref="WithSecretValues"/>; none may appear in what it wrote.</summary>
    public static readonly string[] SecretValues = ["svckey-sentinel-7f3a9c2e51", "redispw-sentinel-0b8d4e6a27", "extconn-sentinel-c91f"];

    public async Task InitializeAsync()
    {
        var inCluster = PublishedApp.PublishAsync();
        var external = PublishedApp.PublishAsync("--Kubernetes:Redis=External", "--Kubernetes:FrontServiceType=LoadBalancer");
        var secrets = PublishedApp.PublishAsync(
            $"--Parameters:service-key={SecretValues[0]}",
            $"--Parameters:redis-password={SecretValues[1]}",
            $"--ConnectionStrings:redis=redis.example:6380,password={SecretValues[2]}");
        InCluster = await inCluster;
        ExternalRedis = await external;
        WithSecretValues = await secrets;
    }

    public Task DisposeAsync()
    {
        InCluster?.Dispose();
        ExternalRedis?.Dispose();
        WithSecretValues?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class PublishedAppCollection : ICollectionFixture<PublishedAppFixture>
{
    public const string Name = "published app";
}
