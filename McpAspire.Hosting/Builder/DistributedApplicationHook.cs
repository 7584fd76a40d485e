using Microsoft.Extensions.Configuration;

namespace McpAspire.Hosting;

/// <summary>
/// Lets the testing builder run an AppHost's real entry point and take over its builder: it adjusts configuration
/// when the builder is created, receives the builder when <c>Build()</c> is called (and holds that thread until the
/// test asks to build), then receives the application and aborts the entry point before <c>Run()</c>.
/// Flows with the async context, so concurrent tests do not see each other's hooks.
/// </summary>
internal sealed class DistributedApplicationHook
{
    private static readonly AsyncLocal<DistributedApplicationHook?> s_current = new();

    public static DistributedApplicationHook? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    /// <summary>The AppHost assembly (the entry point's), used to find the AppHost project directory.</summary>
    public System.Reflection.Assembly? AppHostAssembly { get; init; }

    /// <summary>Called with the options and configuration right after the builder's own sources are added.</summary>
    public Action<DistributedApplicationOptions, ConfigurationManager>? OnCreating { get; init; }

    /// <summary>Called inside <c>Build()</c> before the model is frozen; may block until the test wants to continue.</summary>
    public Action<DistributedApplicationBuilder>? OnBuilding { get; init; }

    /// <summary>Called with the built application; it is expected to throw <see cref="EntryPointAbortedException"/>.</summary>
    public Action<DistributedApplication>? OnBuilt { get; init; }
}
