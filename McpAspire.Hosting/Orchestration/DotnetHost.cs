namespace McpAspire.Hosting.Orchestration;

/// <summary>The <c>dotnet</c> muxer that runs project outputs and builds.</summary>
internal static class DotnetHost
{
    private static readonly Lazy<string> s_path = new(() =>
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }
        if (Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return Processes.ProcessLaunch.FindOnPath("dotnet") ?? "dotnet";
    });

    /// <summary>Full path of <c>dotnet</c> when known.</summary>
    public static string Path => s_path.Value;
}
