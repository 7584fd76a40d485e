namespace McpAspire.Hosting.Tests.EndToEnd;

/// <summary>Small applications built in the test itself (no AppHost project): random ports, no dashboard, no echo.</summary>
internal static class SmallApp
{
    public static IDistributedApplicationBuilder CreateBuilder(params string[] args)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mcpaspire-small-apps");
        Directory.CreateDirectory(dir);
        return DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = ["--no-dashboard", "--AppHost:EchoConsole=false", "--AppHost:RandomizePorts=true", .. args],
            AppHostDirectory = dir,
        });
    }

    public static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
