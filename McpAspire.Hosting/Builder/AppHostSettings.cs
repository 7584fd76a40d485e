using Microsoft.Extensions.Configuration;

namespace McpAspire.Hosting;

/// <summary>
/// The AppHost's own configuration keys (command line, environment <c>AppHost__*</c>, or appsettings.json),
/// read once at build time and validated so a bad value fails before anything starts.
/// </summary>
public sealed record AppHostSettings
{
    /// <summary>Stable dashboard port (<c>AppHost:DashboardPort</c>, default 18888).</summary>
    public int DashboardPort { get; init; } = 18888;

    /// <summary>Leave the dashboard out (<c>--no-dashboard</c>, <c>AppHost:DisableDashboard</c>).</summary>
    public bool DisableDashboard { get; init; }

    /// <summary>Give every endpoint a random port, stable ones included (<c>AppHost:RandomizePorts</c>; the testing builder sets it).</summary>
    public bool RandomizePorts { get; init; }

    /// <summary>Echo every resource's console output with a prefix (<c>AppHost:EchoConsole</c>, default true).</summary>
    public bool EchoConsole { get; init; } = true;

    /// <summary>Graceful stop window before SIGKILL (<c>AppHost:StopTimeoutSeconds</c>, default 5).</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between restarts of a crashed resource (<c>AppHost:MaxRestartDelaySeconds</c>, default 15).</summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The dashboard project file (<c>AppHost:DashboardProject</c>; default <c>../McpAspire.Dashboard/McpAspire.Dashboard.csproj</c> beside the AppHost).</summary>
    public string? DashboardProject { get; init; }

    /// <summary>The build configuration whose output is started (<c>AppHost:Configuration</c>; default: the AppHost's own).</summary>
    public string? BuildConfiguration { get; init; }

    /// <summary>Reads and validates the settings.</summary>
    public static AppHostSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("AppHost");
        var settings = new AppHostSettings
        {
            DashboardPort = ReadInt(section, "DashboardPort", 18888, 1, 65535),
            DisableDashboard = ReadBool(section, "DisableDashboard", false),
            RandomizePorts = ReadBool(section, "RandomizePorts", false),
            EchoConsole = ReadBool(section, "EchoConsole", true),
            StopTimeout = TimeSpan.FromSeconds(ReadInt(section, "StopTimeoutSeconds", 5, 1, 300)),
            MaxRestartDelay = TimeSpan.FromSeconds(ReadInt(section, "MaxRestartDelaySeconds", 15, 1, 3600)),
            DashboardProject = section["DashboardProject"] is { Length: > 0 } p ? p : null,
            BuildConfiguration = section["Configuration"] is { Length: > 0 } c ? c : null,
        };
        return settings;
    }

    private static int ReadInt(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        var raw = section[key];
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }
        return int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new InvalidOperationException($"Configuration AppHost:{key} = '{raw}' is not a whole number between {min} and {max}.");
    }

    private static bool ReadBool(IConfigurationSection section, string key, bool fallback)
    {
        var raw = section[key];
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }
        return bool.TryParse(raw, out var v) ? v : throw new InvalidOperationException($"Configuration AppHost:{key} = '{raw}' is not true or false.");
    }
}
