using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using McpAspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Eventing;
using McpAspire.Hosting.Health;
using McpAspire.Hosting.Logging;
using McpAspire.Hosting.Notifications;
using McpAspire.Hosting.Processes;
using McpAspire.Hosting.ResourceService;

namespace McpAspire.Hosting.Orchestration;

/// <summary>
/// Starts the application model in run mode: allocates ports, starts the resource service, one runner per resource
/// (with replicas and front proxies), prints the resource table once everything is healthy, and stops in reverse
/// dependency order.
/// </summary>
internal sealed class Orchestrator : IAsyncDisposable
{
    private readonly DistributedApplicationModel _model;
    private readonly AppHostSettings _settings;
    private readonly IDistributedApplicationEventing _eventing;
    private readonly ResourceNotificationService _notifications;
    private readonly ResourceLoggerService _logs;
    private readonly ConsoleEcho _echo;
    private readonly TimeProvider _time;
    private readonly PortAllocator _ports = new();
    private readonly Dictionary<IResource, ResourceRunner> _runners = [];
    private readonly SemaphoreSlim _stopGate = new(1, 1);
    private ProcessGroupWatchdog? _watchdog;
    private ResourceServiceHost? _resourceService;
    private bool _started;
    private bool _stopped;
    private readonly Stopwatch _sinceStart = new();
    private int _readyCount;
    private int _settledCount;

    public Orchestrator(DistributedApplicationModel model, AppHostSettings settings, IDistributedApplicationEventing eventing,
        ResourceNotificationService notifications, ResourceLoggerService logs, TimeProvider time)
    {
        _model = model;
        _settings = settings;
        _eventing = eventing;
        _notifications = notifications;
        _logs = logs;
        _time = time;
        var width = Math.Max(10, model.Resources.Max(r => r.Name.Length + (ReplicaCount(r) > 1 ? 2 : 0)));
        _echo = new ConsoleEcho(settings.EchoConsole, width);
    }

    /// <summary>The resource service (dashboard API) URL once started.</summary>
    public Uri? ResourceServiceUrl => _resourceService?.Url;

    /// <summary>The resource service key.</summary>
    public string ResourceServiceApiKey { get; } = GeneratedParameterDefault.NewKey();

    /// <summary>Key every service sends to the dashboard's OTLP receiver (<c>x-otlp-api-key</c>).</summary>
    public string OtlpApiKey { get; } = GeneratedParameterDefault.NewKey();

    /// <summary>The dashboard's browser login token (printed as part of the login URL).</summary>
    public string DashboardBrowserToken { get; } = GeneratedParameterDefault.NewKey();

    /// <summary>The watchdog's PID (tests check that it goes away).</summary>
    public int? WatchdogPid => _watchdog?.Pid;

    internal ResourceRunner? GetRunner(string name) => _runners.FirstOrDefault(kv => string.Equals(kv.Key.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static int ReplicaCount(IResource r) => r.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;

    private static bool IsRunnable(IResource r) => r is not ParameterResource;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            throw new InvalidOperationException("The application has already been started.");
        }
        _started = true;
        _sinceStart.Start();
        var runnable = _model.Resources.Where(IsRunnable).ToList();
        DependencyOrder.ThrowOnWaitCycle(runnable);
        AllocateEndpoints(runnable);

        _resourceService = await ResourceServiceHost.StartAsync(_notifications, _logs, ResourceServiceApiKey, ExecuteCommandAsync, cancellationToken).ConfigureAwait(false);
        await _eventing.PublishAsync(new BeforeStartEvent(_model.Resources), cancellationToken).ConfigureAwait(false);
        _watchdog = ProcessGroupWatchdog.Start();

        var dashboard = runnable.FirstOrDefault(r => r.Annotations.OfType<DashboardAnnotation>().Any());
        var otlp = dashboard is null ? null : new EndpointReference((IResourceWithEndpoints)dashboard, "http").Url;
        if (dashboard is not null)
        {
            _echo.Info($"Dashboard: {otlp}/login?t={DashboardBrowserToken}");
        }
        var projects = new ProjectOutputLocator(_settings.BuildConfiguration ?? AppHostConfiguration(), _echo.Info);
        var redisPlanner = new RedisLaunchPlanner(_model.AppHostDirectory, _echo.Info);
        var environmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Development";
        var run = new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run);

        var color = 0;
        var redactor = new Logging.ConsoleLineRedactor(_model, ResourceServiceApiKey, OtlpApiKey, DashboardBrowserToken);
        foreach (var resource in runnable)
        {
            var runner = new ResourceRunner(resource, _notifications, _logs, _settings.StopTimeout, OnFirstHealthyAsync, OnSettled);
            var replicas = ReplicaCount(resource);
            var isDashboard = ReferenceEquals(resource, dashboard);
            Func<int, string, CancellationToken, Task<ProcessSpec>>? spec = resource switch
            {
                ProjectResource p => async (i, name, ct) =>
                {
                    var dll = await projects.GetOrBuildAsync(p, ct).ConfigureAwait(false);
                    var env = await EnvironmentFor(p, run, i, name, environmentName, isDashboard ? null : otlp, ct).ConfigureAwait(false);
                    if (isDashboard)
                    {
                        // The dashboard's side of the contract: where the resource service is, and the keys it checks.
                        env["ResourceService__Url"] = ResourceServiceUrl!.ToString().TrimEnd('/');
                        env["ResourceService__ApiKey"] = ResourceServiceApiKey;
                        env["Dashboard__Frontend__BrowserToken"] = DashboardBrowserToken;
                        env["Dashboard__Otlp__ApiKey"] = OtlpApiKey;
                    }
                    var args = await ArgsFor(p, ct).ConfigureAwait(false);
                    return new ProcessSpec(DotnetHost.Path, [dll, .. args], p.ProjectDirectory, env);
                },
                ExecutableResource e => async (i, name, ct) =>
                {
                    var env = await EnvironmentFor(e, run, i, name, environmentName, otlp, ct).ConfigureAwait(false);
                    return new ProcessSpec(e.Command, await ArgsFor(e, ct).ConfigureAwait(false), e.WorkingDirectory, env);
                },
                RedisResource { ExternalConnectionString: null } redis => (i, name, ct) =>
                    redisPlanner.PlanAsync(redis, redis.PrimaryEndpoint.Allocated.TargetPorts[i], ct),
                _ => null,
            };
            IHealthProbe probe = resource switch
            {
                RedisResource { ExternalConnectionString: { } cs } => new RedisPingProbe(() => RedisPing.ParseConnectionString(cs)),
                RedisResource redis => new RedisPingProbe(() => ("127.0.0.1", redis.PrimaryEndpoint.Allocated.TargetPorts[0], redis.PasswordParameter.Value)),
                _ when resource.Annotations.OfType<HttpHealthCheckAnnotation>().LastOrDefault() is { } check => HttpProbeFor(resource, check),
                _ => AlwaysHealthyProbe.Instance,
            };
            runner.Prepare(spec is null ? 0 : replicas, spec, probe, i => ReplicaUrl(resource, i), _watchdog, _settings.MaxRestartDelay, _echo, color++, _time, redactor);
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                if (endpoint.AllocatedEndpoint is { Proxied: true } allocated)
                {
                    runner.StartProxy(allocated.Port, [.. allocated.TargetPorts]);
                }
            }
            _runners[resource] = runner;
        }

        // Builds happen before anything starts: one build per project whose output is missing (normally none).
        foreach (var p in runnable.OfType<ProjectResource>())
        {
            try
            {
                await projects.GetOrBuildAsync(p, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // The replica reports FailedToStart with the build output; other resources still start.
            }
        }
        foreach (var runner in _runners.Values)
        {
            runner.Start();
        }
    }

    private void OnSettled(IResource resource)
    {
        // Once every resource is healthy or has clearly failed, print the table (it says which failed).
        if (Interlocked.Increment(ref _settledCount) == _runners.Count)
        {
            _echo.Info(StartupTable.Render(_notifications.Snapshots, _sinceStart.Elapsed));
        }
    }

    private async Task OnFirstHealthyAsync(IResource resource)
    {
        await _eventing.PublishAsync(new ResourceReadyEvent(resource)).ConfigureAwait(false);
        if (Interlocked.Increment(ref _readyCount) == _runners.Count)
        {
            await _eventing.PublishAsync(new AllResourcesReadyEvent(_model.Resources, _sinceStart.Elapsed)).ConfigureAwait(false);
        }
    }

    private async Task<Dictionary<string, string>> EnvironmentFor(IResource resource, DistributedApplicationExecutionContext run, int replica, string replicaName, string environmentName, string? otlp, CancellationToken ct)
    {
        var env = ServiceEnvironmentContract.Build(resource, run, new RunEnvironment(replicaName, environmentName, otlp, otlp is null ? null : OtlpApiKey), replica);
        return await ServiceEnvironmentContract.ResolveAsync(env, ct).ConfigureAwait(false);
    }

    private static async Task<List<string>> ArgsFor(IResource resource, CancellationToken ct)
    {
        var args = new List<string>();
        foreach (var a in resource.Annotations.OfType<CommandLineArgsAnnotation>().SelectMany(a => a.Args))
        {
            args.Add(await ServiceEnvironmentContract.ResolveValueAsync(a, ct).ConfigureAwait(false));
        }
        return args;
    }

    private static HttpHealthProbe HttpProbeFor(IResource resource, HttpHealthCheckAnnotation check)
    {
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.Name == check.EndpointName)
            ?? throw new DistributedApplicationException($"Resource '{resource.Name}' has a health check on endpoint '{check.EndpointName}', which it does not have.");
        // Probe each replica's own port, never the front proxy, so one sick replica is seen as such.
        return new HttpHealthProbe(i => new Uri($"http://127.0.0.1:{endpoint.AllocatedEndpoint!.TargetPorts[i].ToString(CultureInfo.InvariantCulture)}{check.Path}"));
    }

    private static string? ReplicaUrl(IResource resource, int replica) =>
        resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.AllocatedEndpoint is not null) is { } e
            ? e.AllocatedEndpoint!.ReplicaUrl(replica)
            : null;

    private void AllocateEndpoints(List<IResource> resources)
    {
        var endpoints = resources.SelectMany(r => r.Annotations.OfType<EndpointAnnotation>().Select(e => (Resource: r, Endpoint: e))).ToList();
        if (!_settings.RandomizePorts)
        {
            foreach (var (_, e) in endpoints)
            {
                if (e.Port is { } p)
                {
                    _ports.Reserve(p);
                }
            }
        }
        foreach (var (resource, e) in endpoints)
        {
            var replicas = ReplicaCount(resource);
            var host = e.UriScheme == "tcp" ? "127.0.0.1" : "localhost";
            var fixedPort = _settings.RandomizePorts ? null : e.Port;
            if (replicas > 1)
            {
                var front = fixedPort ?? _ports.Next();
                var targets = Enumerable.Range(0, replicas).Select(_ => _ports.Next()).ToArray();
                e.AllocatedEndpoint = new AllocatedEndpoint(e.UriScheme, host, front, targets, Proxied: true);
            }
            else
            {
                var port = fixedPort ?? (_settings.RandomizePorts ? null : e.TargetPort) ?? _ports.Next();
                e.AllocatedEndpoint = new AllocatedEndpoint(e.UriScheme, host, port, [port], Proxied: false);
            }
            if (fixedPort is { } stable && !PortIsFree(stable))
            {
                throw new DistributedApplicationException(
                    $"Port {stable} for '{resource.Name}' ({e.Name}) is already in use: stop what listens there (another AppHost?) or configure another port.");
            }
        }
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            l.Start();
            l.Stop();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private string AppHostConfiguration() =>
        _model.AppHostAssembly?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } c ? c : "Debug";

    private async Task<bool> ExecuteCommandAsync(string resourceName, string command)
    {
        var runner = GetRunner(resourceName) ?? throw new KeyNotFoundException(resourceName);
        return await runner.ExecuteCommandAsync(command).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops everything: dependents before their dependencies, the dashboard last; then the resource service.
    /// A cancelled token skips the rest of the graceful window (processes are killed at once), never the stop itself.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _stopGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_stopped || !_started)
            {
                return;
            }
            _stopped = true;
            var dashboard = _runners.Keys.Where(r => r.Annotations.OfType<DashboardAnnotation>().Any()).ToList();
            // Everything sends telemetry to the dashboard, so it stops last.
            var layers = DependencyOrder.StopLayers(_runners.Keys.ToList(), r => dashboard.Contains(r) ? [] : dashboard);
            foreach (var layer in layers)
            {
                await Task.WhenAll(layer.Select(r => _runners[r].StopAsync(cancellationToken))).ConfigureAwait(false);
            }
            if (_resourceService is not null)
            {
                await _resourceService.DisposeAsync().ConfigureAwait(false);
            }
            _watchdog?.Dispose();
        }
        finally
        {
            _stopGate.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
