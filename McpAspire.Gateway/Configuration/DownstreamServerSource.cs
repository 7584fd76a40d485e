using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace McpAspire.Gateway.Configuration;

/// <summary>
/// The downstream servers to run: <c>Gateway:Servers</c> from configuration merged with the <c>mcpServers</c> file
/// (file entries win on a name clash, and say so in the log). Both are watched; a change that validates replaces the
/// set, one that does not is logged and ignored so a typo never takes running servers down.
/// </summary>
public sealed partial class DownstreamServerSource : IDisposable
{
    private readonly IOptionsMonitor<GatewayOptions> _options;
    private readonly IHostEnvironment _environment;
    private readonly ILogger<DownstreamServerSource> _logger;
    private readonly IDisposable? _optionsSubscription;
    private readonly Lock _lock = new();
    private PhysicalFileProvider? _fileProvider;
    private IDisposable? _fileSubscription;
    private Timer? _debounce;

    /// <summary>Loads and validates the initial set (throws <see cref="GatewayConfigurationException"/> when invalid).</summary>
    public DownstreamServerSource(IOptionsMonitor<GatewayOptions> options, IHostEnvironment environment, ILogger<DownstreamServerSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _environment = environment;
        _logger = logger;
        Current = Load(options.CurrentValue);
        WatchFile(options.CurrentValue.ServersFile);
        _optionsSubscription = options.OnChange(_ => Reload());
    }

    /// <summary>The servers now in force.</summary>
    public IReadOnlyDictionary<string, DownstreamServerOptions> Current { get; private set; }

    /// <summary>Raised after <see cref="Current"/> changed.</summary>
    public event Action<IReadOnlyDictionary<string, DownstreamServerOptions>>? Changed;

    /// <summary>Reads configuration and file again now (also called by the watchers).</summary>
    public void Reload()
    {
        lock (_lock)
        {
            try
            {
                var next = Load(_options.CurrentValue);
                WatchFile(_options.CurrentValue.ServersFile);
                Current = next;
            }
            catch (GatewayConfigurationException ex)
            {
                LogReloadRejected(_logger, ex.Message);
                return;
            }
        }
        LogReloaded(_logger, Current.Count);
        Changed?.Invoke(Current);
    }

    /// <summary>Resolves the servers file path against the content root.</summary>
    public string? ServersFilePath(string? configured) =>
        string.IsNullOrWhiteSpace(configured) ? null : Path.GetFullPath(configured, _environment.ContentRootPath);

    private Dictionary<string, DownstreamServerOptions> Load(GatewayOptions options)
    {
        var servers = new Dictionary<string, DownstreamServerOptions>(StringComparer.Ordinal);
        foreach (var (name, server) in options.Servers)
        {
            servers[name] = server.Clone();
        }
        if (ServersFilePath(options.ServersFile) is { } path)
        {
            if (!File.Exists(path))
            {
                throw new GatewayConfigurationException($"Gateway:ServersFile '{path}' does not exist.");
            }
            foreach (var (name, server) in McpServersFile.Parse(File.ReadAllText(path), path))
            {
                if (servers.ContainsKey(name))
                {
                    LogFileOverrides(_logger, name, path);
                }
                servers[name] = server;
            }
        }
        var errors = servers.SelectMany(s => DownstreamServerValidator.Validate(s.Key, s.Value, $"Gateway:Servers:{s.Key}")).ToList();
        if (options.PageSize is < 1 or > 10_000)
        {
            errors.Add("Gateway:PageSize must be between 1 and 10000.");
        }
        if (errors.Count > 0)
        {
            throw new GatewayConfigurationException("Invalid gateway configuration:\n  " + string.Join("\n  ", errors));
        }
        return servers;
    }

    private void WatchFile(string? configured)
    {
        var path = ServersFilePath(configured);
        _fileSubscription?.Dispose();
        _fileProvider?.Dispose();
        _fileSubscription = null;
        _fileProvider = null;
        if (path is null || Path.GetDirectoryName(path) is not { } dir)
        {
            return;
        }
        _fileProvider = new PhysicalFileProvider(dir) { UsePollingFileWatcher = false };
        var file = Path.GetFileName(path);
        // Editors write a file in several steps; wait for quiet before reading it.
        _fileSubscription = ChangeToken.OnChange(() => _fileProvider.Watch(file), () =>
        {
            _debounce?.Dispose();
            _debounce = new Timer(_ => Reload(), null, TimeSpan.FromMilliseconds(250), Timeout.InfiniteTimeSpan);
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optionsSubscription?.Dispose();
        _fileSubscription?.Dispose();
        _fileProvider?.Dispose();
        _debounce?.Dispose();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Gateway configuration change rejected, keeping the running servers: {Error}")]
    private static partial void LogReloadRejected(ILogger logger, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Gateway configuration loaded: {Count} downstream servers")]
    private static partial void LogReloaded(ILogger logger, int count);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Server {Name} from {File} replaces the one in Gateway:Servers")]
    private static partial void LogFileOverrides(ILogger logger, string name, string file);
}
