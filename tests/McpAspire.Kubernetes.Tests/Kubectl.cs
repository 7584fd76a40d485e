using System.Diagnostics;

namespace McpAspire.Kubernetes.Tests;

/// <summary><c>kubectl kustomize</c>: renders a folder without a cluster (a client dry-run would need one).</summary>
internal static class Kubectl
{
    public static async Task<string> KustomizeAsync(string directory)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"kubectl kustomize failed: {await stderr}");
    }
}
