using System.Diagnostics;
using System.Text;
using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting.Orchestration;

/// <summary>
/// Finds a project's built assembly (<c>bin/{Configuration}/{tfm}/{Name}.dll</c>) and builds the project once when it
/// is missing. The AppHost project references every service project, so <c>dotnet run --project McpAspire.AppHost</c>
/// (and building the tests) already builds them incrementally; starting the dll directly keeps start-up fast.
/// </summary>
internal sealed class ProjectOutputLocator
{
    private static readonly SemaphoreSlim s_buildGate = new(1, 1);
    private readonly string _configuration;
    private readonly Dictionary<string, Lazy<Task<string>>> _builds = new(StringComparer.Ordinal);
    private readonly Action<string> _report;

    public ProjectOutputLocator(string configuration, Action<string> report)
    {
        _configuration = configuration;
        _report = report;
    }

    /// <summary>The dll if it exists.</summary>
    public string? Find(ProjectResource project)
    {
        var bin = Path.Combine(project.ProjectDirectory, "bin", _configuration);
        if (!Directory.Exists(bin))
        {
            return null;
        }
        return Directory.EnumerateDirectories(bin)
            .Select(tfm => Path.Combine(tfm, project.AssemblyName + ".dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }

    /// <summary>The dll, building the project first when it has no output yet (one build per project per run).</summary>
    public Task<string> GetOrBuildAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        Lazy<Task<string>> lazy;
        lock (_builds)
        {
            if (!_builds.TryGetValue(project.ProjectPath, out lazy!))
            {
                lazy = new Lazy<Task<string>>(() => FindOrBuildAsync(project, cancellationToken));
                _builds[project.ProjectPath] = lazy;
            }
        }
        return lazy.Value;
    }

    private async Task<string> FindOrBuildAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        if (Find(project) is { } dll)
        {
            return dll;
        }
        await s_buildGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Find(project) is { } built)
            {
                return built;
            }
            _report($"Building {Path.GetFileName(project.ProjectPath)} ({_configuration})…");
            var psi = new ProcessStartInfo(DotnetHost.Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "build", project.ProjectPath, "-c", _configuration, "-nologo", "-v", "quiet", "-clp:ErrorsOnly" })
            {
                psi.ArgumentList.Add(a);
            }
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start 'dotnet build'.");
            var output = new StringBuilder();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            output.Append(await stdout.ConfigureAwait(false)).Append(await stderr.ConfigureAwait(false));
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'dotnet build {project.ProjectPath}' failed (exit {process.ExitCode}):{Environment.NewLine}{output.ToString().Trim()}");
            }
            return Find(project) ?? throw new InvalidOperationException($"'dotnet build' succeeded but {project.AssemblyName}.dll is not under {Path.Combine(project.ProjectDirectory, "bin", _configuration)}.");
        }
        finally
        {
            s_buildGate.Release();
        }
    }
}
