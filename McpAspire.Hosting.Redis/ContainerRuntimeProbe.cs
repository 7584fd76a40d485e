using System.Diagnostics;

namespace McpAspire.Hosting.Redis;

/// <summary>
/// Whether a container runtime answers here (<c>docker info</c> / <c>podman info</c>, the one
/// <c>ASPIRE_CONTAINER_RUNTIME</c> names, else docker), so <see cref="RedisServerKind.Auto"/> picks Aspire's container
/// only where it can start. A CLI without a daemon (our machines) fails within milliseconds.
/// </summary>
public static class ContainerRuntimeProbe
{
    /// <summary>True when the runtime's <c>info</c> succeeds within <paramref name="timeout"/>.</summary>
    public static bool IsHealthy(TimeSpan timeout)
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") is { Length: > 0 } named ? named : "docker";
        if (RedisServerLocator.FindOnPath(runtime) is not { } cli)
        {
            return false;
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo(cli, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
