using System.Reflection;

namespace McpAspire.Hosting;

/// <summary>Options for <see cref="DistributedApplication.CreateBuilder(DistributedApplicationOptions)"/>.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>The AppHost's command-line arguments.</summary>
    public string[] Args { get; set; } = [];

    /// <summary>The AppHost assembly (its metadata names the AppHost project directory); the entry assembly by default.</summary>
    public Assembly? AppHostAssembly { get; set; }

    /// <summary>The AppHost project directory; by default read from the AppHost assembly's metadata, else the working directory.</summary>
    public string? AppHostDirectory { get; set; }

    /// <summary>Do not start the dashboard (also <c>--no-dashboard</c> or <c>AppHost:DisableDashboard=true</c>).</summary>
    public bool DisableDashboard { get; set; }
}
