using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// Builds a project's container image without a daemon: <c>dotnet publish -t:PublishContainer</c> with the SDK's
/// container support writing an OCI archive (<c>ContainerArchiveOutputPath</c>) named and tagged from the options.
/// </summary>
internal sealed class ContainerImagePublisher(KubernetesPublishOptions options, ILogger logger)
{
    /// <summary>The arguments of <c>dotnet</c> that build <paramref name="resourceName"/>'s archive into <paramref name="outputDirectory"/>.</summary>
    public IReadOnlyList<string> Arguments(string resourceName, string projectPath, string outputDirectory)
    {
        var image = options.ImageFor(resourceName);
        var colon = image.LastIndexOf(':');
        var repository = image[..colon];
        var arguments = new List<string>
        {
            "publish", projectPath, "-c", options.ImageConfiguration, "-t:PublishContainer", "-nologo",
            $"-p:ContainerRepository={repository}",
            $"-p:ContainerImageTag={image[(colon + 1)..]}",
            $"-p:ContainerArchiveOutputPath={Path.Combine(Path.GetFullPath(outputDirectory), ArchiveName(resourceName))}",
            $"-p:ContainerUser={options.RunAsUser}",
        };
        if (!string.IsNullOrEmpty(options.ContainerBaseImage))
        {
            arguments.Add($"-p:ContainerBaseImage={options.ContainerBaseImage}");
        }
        return arguments;
    }

    /// <summary>The archive's file name.</summary>
    public string ArchiveName(string resourceName) => options.ImagePrefix + resourceName + ".tar.gz";

    /// <summary>Runs <c>dotnet publish</c>; throws with its output when it fails.</summary>
    public async Task PublishAsync(string resourceName, string projectPath, string outputDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputDirectory);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in Arguments(resourceName, projectPath, outputDirectory))
        {
            start.ArgumentList.Add(argument);
        }
        logger.LogInformation("Building the image of {Resource}: dotnet {Arguments}", resourceName, string.Join(' ', start.ArgumentList));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of {resourceName} failed ({process.ExitCode}):\n{await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }
        logger.LogInformation("Wrote {Archive}.", Path.Combine(outputDirectory, ArchiveName(resourceName)));
    }
}
