using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using McpAspire.Hosting.Kubernetes;
using Microsoft.Extensions.DependencyInjection;

namespace McpAspire.Kubernetes.Tests;

/// <summary>
/// The variables the AppHost gives each project in a local run: its app model built in run mode (not started) and
/// every environment callback run, as DCP does before it starts the process.
/// </summary>
internal static class LocalRunEnvironment
{
    public static async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> NamesAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.McpAspire_AppHost>();
        await using var app = await builder.BuildAsync();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var context = app.Services.GetRequiredService<DistributedApplicationExecutionContext>();
        Assert.True(context.IsRunMode);
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var project in model.Resources.OfType<ProjectResource>())
        {
            var environment = await EnvironmentResolver.GatherAsync(project, context, CancellationToken.None);
            result[project.Name] = environment.Keys.ToHashSet(StringComparer.Ordinal);
        }
        return result;
    }
}
