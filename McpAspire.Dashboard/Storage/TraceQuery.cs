namespace McpAspire.Dashboard.Storage;

/// <summary>Filters of the trace list; all optional.</summary>
public sealed record TraceQuery
{
    /// <summary>Only traces with a span of this resource.</summary>
    public string? Resource { get; init; }

    /// <summary>Case-insensitive text found in a span name, trace id or attribute value.</summary>
    public string? Text { get; init; }

    /// <summary>Only traces with an error span.</summary>
    public bool ErrorsOnly { get; init; }

    /// <summary>Only traces lasting at least this long.</summary>
    public double MinDurationMs { get; init; }

    /// <summary>Most rows returned, newest first.</summary>
    public int Limit { get; init; } = 100;
}
