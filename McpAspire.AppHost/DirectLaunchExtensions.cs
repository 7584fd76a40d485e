using System.Reflection;
using System.Runtime.InteropServices;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// Starts a project's built executable directly instead of through <c>dotnet run --no-build</c>, which DCP uses by
/// default: the SDK's project evaluation cost about 5 s of every start and every restart after a crash on a loaded
/// 2-core machine (measured by the chaos soak). The AppHost builds its projects first, so the output is there; when it
/// is not (or an IDE or <c>dotnet watch</c> launches the projects) nothing changes.
/// </summary>
public static class DirectLaunchExtensions
{
    /// <summary>In run mode, launches <c>bin/{AppHost configuration}/net10.0/{project}</c> with the project folder as working directory.</summary>
    public static IResourceBuilder<ProjectResource> WithDirectLaunchInRunMode(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.ApplicationBuilder;
        if (!app.ExecutionContext.IsRunMode || !string.IsNullOrEmpty(app.Configuration["DEBUG_SESSION_PORT"])
            || string.Equals(app.Configuration["DOTNET_WATCH"], "1", StringComparison.Ordinal))
        {
            return builder;
        }
        var project = builder.Resource.GetProjectMetadata().ProjectPath;
        var directory = Path.GetDirectoryName(project)!;
        var configuration = typeof(DirectLaunchExtensions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var executable = Path.Combine(directory, "bin", configuration, "net10.0", Path.GetFileNameWithoutExtension(project));
        if (!File.Exists(executable))
        {
            return builder;
        }
        // The apphost finds the runtime through DOTNET_ROOT when .NET is not in a default location.
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        return builder
            .WithAnnotation(new ExecutableAnnotation { Command = executable, WorkingDirectory = directory }, ResourceAnnotationMutationBehavior.Replace)
            .WithEnvironment("DOTNET_ROOT", dotnetRoot);
    }
}
