namespace McpAspire.Hosting.Tests.Model;

/// <summary>Builders over a temporary AppHost directory holding fake project files (for model-only tests).</summary>
internal static class TestModel
{
    public static IDistributedApplicationBuilder CreateBuilder(params string[] args)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mcpaspire-model-tests", "apphost");
        Directory.CreateDirectory(dir);
        foreach (var name in new[] { "Api", "Worker" })
        {
            var project = Path.Combine(dir, "..", name, name + ".csproj");
            Directory.CreateDirectory(Path.GetDirectoryName(project)!);
            if (!File.Exists(project))
            {
                File.WriteAllText(project, "<Project Sdk=\"Microsoft.NET.Sdk\" />");
            }
        }
        return DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = ["--no-dashboard", "--AppHost:EchoConsole=false", .. args],
            AppHostDirectory = dir,
        });
    }
}
