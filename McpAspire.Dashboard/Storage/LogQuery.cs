namespace McpAspire.Dashboard.Storage;

/// <summary>Filters of the structured log list; all optional.</summary>
public sealed record LogQuery
{
    /// <summary>Only records of this resource.</summary>
    public string? Resource { get; init; }

    /// <summary>Only records at or above this severity number.</summary>
    public int MinSeverity { get; init; }

    /// <summary>Case-insensitive text found in the message, category or an attribute value.</summary>
    public string? Text { get; init; }

    /// <summary>Only records of this trace.</summary>
    public string? TraceId { get; init; }

    /// <summary>Only records with an id greater than this (for incremental fetches).</summary>
    public long AfterId { get; init; }

    /// <summary>Most records returned, newest first.</summary>
    public int Limit { get; init; } = 200;
}
