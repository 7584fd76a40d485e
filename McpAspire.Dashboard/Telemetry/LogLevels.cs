namespace McpAspire.Dashboard.Telemetry;

/// <summary>Maps OTLP severity numbers to the level names .NET developers know, and back.</summary>
public static class LogLevels
{
    /// <summary>Level names from lowest to highest.</summary>
    public static readonly IReadOnlyList<string> Names = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];

    /// <summary>The level name of a severity number (1–4 Trace … 21–24 Critical).</summary>
    public static string FromSeverity(int severityNumber, string? severityText) => severityNumber switch
    {
        >= 1 and <= 4 => "Trace",
        >= 5 and <= 8 => "Debug",
        >= 9 and <= 12 => "Information",
        >= 13 and <= 16 => "Warning",
        >= 17 and <= 20 => "Error",
        >= 21 => "Critical",
        _ => string.IsNullOrEmpty(severityText) ? "Unspecified" : severityText,
    };

    /// <summary>Lowest severity number of a level name, or null when the name is unknown.</summary>
    public static int? MinSeverity(string level) => level.ToUpperInvariant() switch
    {
        "TRACE" => 1,
        "DEBUG" => 5,
        "INFORMATION" or "INFO" => 9,
        "WARNING" or "WARN" => 13,
        "ERROR" => 17,
        "CRITICAL" or "FATAL" => 21,
        _ => null,
    };
}
