using System.Diagnostics;
using System.Text.Json;

namespace McpAspire.EndToEnd.Tests;

/// <summary>
/// The built AppHost as a process: SIGTERM to its process group leaves nothing behind (DCP, dashboard, Redis, services);
/// the published manifest; and with no way to run Redis it says so and stops instead of waiting.
/// </summary>
public sealed class AppHostProcessTests
{
    [Fact]
    public async Task Sigterm_to_the_apphost_process_group_stops_dcp_the_dashboard_redis_and_every_service()
    {
        await using var appHost = AppHostProcess.Start();
        await appHost.WaitUntilServingAsync(TimeSpan.FromMinutes(3));
        var tree = ProcessTable.AppHostTree(appHost.Pid);
        var commands = tree.Select(ProcessTable.CommandLine).ToList();
        // What must be there before the stop, so the assertion after it means something.
        Assert.Contains(commands, c => c.Contains("dcp start-apiserver", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("Aspire.Dashboard", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("redis-server", StringComparison.Ordinal) || c.Contains("GarnetServer.dll", StringComparison.Ordinal));
        Assert.Equal(2, commands.Count(c => c.EndsWith("/McpAspire.Gateway", StringComparison.Ordinal)));
        Assert.Single(commands, c => c.EndsWith("/McpAspire.StateService", StringComparison.Ordinal));
        Assert.Single(commands, c => c.EndsWith("/McpAspire.ToolHost", StringComparison.Ordinal));

        appHost.Terminate();
        var survivors = await ProcessTable.WaitForExitAsync([appHost.Pid, .. tree], TimeSpan.FromSeconds(60));
        Assert.True(survivors.Count == 0, "Left behind after SIGTERM: " + ProcessTable.Describe(survivors));
    }

    [Fact]
    public async Task The_published_manifest_has_redis_as_a_container_three_projects_the_secret_parameters_and_the_gateway_replicas()
    {
        var output = Path.Combine(Path.GetTempPath(), $"mcpaspire-manifest-{Guid.NewGuid():N}", "aspire-manifest.json");
        try
        {
            var (exitCode, log) = await RunAsync(["--publisher", "manifest", "--output-path", output,
                "--Gateway:Auth:ApiKeys:0:Name=e2e", "--Gateway:Auth:ApiKeys:0:Hash=0123abcd"]);
            Assert.True(exitCode == 0, log);
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            var resources = manifest.RootElement.GetProperty("resources");

            var redis = resources.GetProperty("redis");
            Assert.Equal("container.v0", redis.GetProperty("type").GetString());
            Assert.StartsWith("docker.io/library/redis", redis.GetProperty("image").GetString(), StringComparison.Ordinal);
            Assert.Contains("{redis-password.value}", redis.GetProperty("connectionString").GetString(), StringComparison.Ordinal);
            foreach (var parameter in new[] { "redis-password", "service-key" })
            {
                var value = resources.GetProperty(parameter).GetProperty("inputs").GetProperty("value");
                Assert.Equal("parameter.v0", resources.GetProperty(parameter).GetProperty("type").GetString());
                Assert.True(value.GetProperty("secret").GetBoolean(), $"{parameter} is secret");
                Assert.True(value.GetProperty("default").TryGetProperty("generate", out _), $"{parameter} is generated");
            }

            foreach (var project in new[] { "statesvc", "toolhost", "gateway" })
            {
                var resource = resources.GetProperty(project);
                Assert.StartsWith("project.v", resource.GetProperty("type").GetString(), StringComparison.Ordinal);
                var env = resource.GetProperty("env");
                Assert.Equal("{service-key.value}", env.GetProperty("ServiceAuth__Key").GetString());
                Assert.Equal("{redis.connectionString}", env.GetProperty("ConnectionStrings__redis").GetString());
                Assert.Equal(project == "gateway" ? "*" : project, env.GetProperty("Security__AllowedHosts").GetString());
                Assert.Equal(project == "gateway" ? "*" : project, env.GetProperty("Mcp__Endpoint__AllowedHosts__0").GetString());
            }
            var gateway = resources.GetProperty("gateway");
            Assert.Equal(2, gateway.GetProperty("replicas").GetInt32());
            var gatewayEnv = gateway.GetProperty("env");
            // The AppHost's Gateway:Auth settings pass through; anonymous access is a run-mode convenience only.
            Assert.Equal("e2e", gatewayEnv.GetProperty("Gateway__Auth__ApiKeys__0__Name").GetString());
            Assert.False(gatewayEnv.TryGetProperty("Gateway__Auth__AllowAnonymous", out _));
            Assert.True(gateway.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_way_to_run_redis_the_apphost_says_what_to_install_and_stops()
    {
        // redis-server asked for explicitly, and a PATH without it.
        var (exitCode, log) = await RunAsync(["--AppHost:Redis:Server=RedisServer"], path: "/nonexistent");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("redis-server is not on PATH", log, StringComparison.Ordinal);
        Assert.Contains("apt-get install redis-server", log, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Log)> RunAsync(string[] args, string? path = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet, [AppHostProcess.Dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Combine("McpAspire.AppHost"),
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        if (path is not null)
        {
            start.Environment["PATH"] = path;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
