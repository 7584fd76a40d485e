using System.ComponentModel.DataAnnotations;

namespace McpAspire.Dashboard.Configuration;

/// <summary>
/// Settings of the dashboard, bound from the <c>Dashboard</c> configuration section (environment:
/// <c>Dashboard__Unsecured</c>, <c>Dashboard__Otlp__ApiKey</c>, …) and validated at start-up.
/// </summary>
public sealed class DashboardOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>When true the pages and the MCP endpoint need no login (like Aspire's unsecured mode).</summary>
    public bool Unsecured { get; set; }

    /// <summary>Browser login settings.</summary>
    public FrontendOptions Frontend { get; set; } = new();

    /// <summary>OTLP receiver settings.</summary>
    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>MCP endpoint settings.</summary>
    public McpOptions Mcp { get; set; } = new();

    /// <summary>Bounds of the in-memory telemetry storage.</summary>
    public StorageOptions Storage { get; set; } = new();
}

/// <summary>Browser-token login (the token is printed in the log as a login URL).</summary>
public sealed class FrontendOptions
{
    /// <summary>The token; a random one is generated when empty (the AppHost may pass its own to print the URL itself).</summary>
    [MinLength(16)]
    public string? BrowserToken { get; set; }
}

/// <summary>OTLP/HTTP receiver settings.</summary>
public sealed class OtlpOptions
{
    /// <summary>When set, every OTLP request must carry it in the <c>x-otlp-api-key</c> header.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Largest accepted request body (after decompression), in bytes.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 16 * 1024 * 1024;
}

/// <summary>The dashboard's own MCP endpoint.</summary>
public sealed class McpOptions
{
    /// <summary>
    /// Key required in <c>x-mcp-api-key</c> (or <c>Authorization: Bearer</c>) unless the dashboard is unsecured;
    /// defaults to the browser token.
    /// </summary>
    public string? ApiKey { get; set; }
}

/// <summary>Caps that hold telemetry memory to a bound; the oldest data is evicted first.</summary>
public sealed class StorageOptions
{
    /// <summary>Most spans kept (whole oldest traces are evicted beyond it).</summary>
    [Range(1, 10_000_000)]
    public int MaxSpans { get; set; } = 100_000;

    /// <summary>Most structured log records kept.</summary>
    [Range(1, 10_000_000)]
    public int MaxLogs { get; set; } = 50_000;

    /// <summary>Most distinct metric series (instrument × attribute set) kept; new series beyond it are dropped.</summary>
    [Range(1, 1_000_000)]
    public int MaxMetricSeries { get; set; } = 5_000;

    /// <summary>Most points kept per metric series (the oldest are evicted).</summary>
    [Range(2, 100_000)]
    public int MaxPointsPerSeries { get; set; } = 300;

    /// <summary>Most attributes kept per span, log record or data point.</summary>
    [Range(1, 10_000)]
    public int MaxAttributeCount { get; set; } = 128;

    /// <summary>Longest attribute value or log message kept, in characters (longer ones are truncated).</summary>
    [Range(16, 1_000_000)]
    public int MaxAttributeLength { get; set; } = 8_192;

    /// <summary>Most span events kept per span.</summary>
    [Range(0, 10_000)]
    public int MaxSpanEvents { get; set; } = 64;
}
