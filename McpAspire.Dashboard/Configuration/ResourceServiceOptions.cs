namespace McpAspire.Dashboard.Configuration;

/// <summary>
/// Where the AppHost's resource service is (<c>ResourceService__Url</c>, <c>ResourceService__ApiKey</c>).
/// When <see cref="Url"/> is empty the dashboard runs with telemetry only.
/// </summary>
public sealed class ResourceServiceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "ResourceService";

    /// <summary>Base URL of the resource service, or null when there is none.</summary>
    public Uri? Url { get; set; }

    /// <summary>Key sent as <c>x-resource-service-key</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Longest wait for a non-streaming answer (resource list, command) or for a stream's headers; streams themselves
    /// stay open as long as the page watches.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when a resource service is configured.</summary>
    public bool IsConfigured => Url is not null;
}
