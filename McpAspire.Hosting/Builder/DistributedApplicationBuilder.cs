using System.Reflection;
using McpAspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Eventing;
using Microsoft.Extensions.Configuration;

namespace McpAspire.Hosting;

/// <summary>
/// The default builder. Configuration comes from the AppHost's <c>appsettings.json</c> (next to the AppHost project),
/// environment variables and the command line; <c>--publisher manifest --output-path PATH</c> switches to publish
/// mode and <c>--no-dashboard</c> leaves the dashboard out.
/// </summary>
public sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    /// <summary>Assembly metadata key the AppHost project sets to its own directory.</summary>
    public const string AppHostDirectoryMetadataKey = "McpAspire.AppHostProjectDirectory";

    private readonly List<IResource> _resources = [];
    private bool _built;

    /// <summary>Creates the builder.</summary>
    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hook = DistributedApplicationHook.Current;
        Options = options;
        AppHostAssembly = options.AppHostAssembly ?? hook?.AppHostAssembly ?? Assembly.GetEntryAssembly();
        AppHostDirectory = options.AppHostDirectory is { Length: > 0 } dir ? Path.GetFullPath(dir) : FindAppHostDirectory(AppHostAssembly);

        var (args, noDashboard) = SplitSwitches(options.Args);
        Configuration = new ConfigurationManager();
        Configuration.AddJsonFile(Path.Combine(AppHostDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        Configuration.AddEnvironmentVariables();
        Configuration.AddCommandLine(args);
        if (noDashboard || options.DisableDashboard)
        {
            Configuration["AppHost:DisableDashboard"] = "true";
        }
        hook?.OnCreating?.Invoke(options, Configuration);

        var publisher = Configuration["publisher"];
        var operation = publisher switch
        {
            null or "" => DistributedApplicationOperation.Run,
            "manifest" => DistributedApplicationOperation.Publish,
            _ => throw new DistributedApplicationException($"Publisher '{publisher}' is not supported; use '--publisher manifest --output-path PATH'."),
        };
        if (operation == DistributedApplicationOperation.Publish && string.IsNullOrEmpty(Configuration["output-path"]))
        {
            throw new DistributedApplicationException("'--publisher manifest' needs '--output-path PATH' (a file, or a folder to hold aspire-manifest.json).");
        }
        ExecutionContext = new DistributedApplicationExecutionContext(operation);
        Settings = AppHostSettings.FromConfiguration(Configuration);
    }

    /// <summary>The options given.</summary>
    public DistributedApplicationOptions Options { get; }

    /// <summary>The AppHost assembly.</summary>
    public Assembly? AppHostAssembly { get; }

    /// <inheritdoc />
    public ConfigurationManager Configuration { get; }

    /// <inheritdoc />
    public DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <inheritdoc />
    public string AppHostDirectory { get; }

    /// <summary>The AppHost's validated settings.</summary>
    public AppHostSettings Settings { get; private set; }

    /// <inheritdoc />
    public IList<IResource> Resources => _resources;

    /// <inheritdoc />
    public IDistributedApplicationEventing Eventing { get; } = new DistributedApplicationEventing();

    /// <inheritdoc />
    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_built)
        {
            throw new InvalidOperationException("The application has been built; add resources before Build().");
        }
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"A resource named '{resource.Name}' already exists (names are case-insensitive).");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    /// <inheritdoc />
    public DistributedApplication Build()
    {
        var hook = DistributedApplicationHook.Current;
        hook?.OnBuilding?.Invoke(this);
        if (_built)
        {
            throw new InvalidOperationException("Build() was already called.");
        }
        // Settings may have been changed by the test between creation and Build().
        Settings = AppHostSettings.FromConfiguration(Configuration);
        if (ExecutionContext.IsRunMode && !Settings.DisableDashboard)
        {
            AddDashboard();
        }
        _built = true;
        var model = new DistributedApplicationModel([.. _resources], AppHostDirectory, AppHostAssembly);
        var app = new DistributedApplication(model, Configuration, ExecutionContext, Settings, Eventing);
        hook?.OnBuilt?.Invoke(app);
        return app;
    }

    private void AddDashboard()
    {
        var project = Settings.DashboardProject is { } configured
            ? Path.GetFullPath(Path.Combine(AppHostDirectory, configured))
            : Path.GetFullPath(Path.Combine(AppHostDirectory, "..", "McpAspire.Dashboard", "McpAspire.Dashboard.csproj"));
        if (!File.Exists(project))
        {
            Console.Error.WriteLine($"Dashboard project not found at {project}; running without a dashboard (set AppHost:DashboardProject).");
            return;
        }
        if (_resources.Any(r => r.Name == "dashboard"))
        {
            return;
        }
        this.AddProject("dashboard", project)
            .WithHttpEndpoint(port: Settings.DashboardPort)
            .WithAnnotation(new DashboardAnnotation())
            .WithAnnotation(new ExcludeFromManifestAnnotation());
    }

    private static string FindAppHostDirectory(Assembly? assembly)
    {
        var fromMetadata = assembly?.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == AppHostDirectoryMetadataKey)?.Value;
        if (fromMetadata is { Length: > 0 } && Directory.Exists(fromMetadata))
        {
            return fromMetadata;
        }
        return Directory.GetCurrentDirectory();
    }

    private static (string[] Args, bool NoDashboard) SplitSwitches(string[] args)
    {
        var rest = new List<string>(args.Length);
        var noDashboard = false;
        foreach (var a in args)
        {
            if (a is "--no-dashboard")
            {
                noDashboard = true;
            }
            else
            {
                rest.Add(a);
            }
        }
        return ([.. rest], noDashboard);
    }
}
