using System.Globalization;
using McpAspire.Dashboard.Telemetry;

namespace McpAspire.Dashboard.Api;

/// <summary>Parses query-string filters, throwing <see cref="ArgumentException"/> with a clear message on bad values.</summary>
internal static class QueryParameters
{
    public static int Limit(string? raw, int fallback, int max)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? Math.Min(value, max)
            : throw new ArgumentException($"limit '{raw}' is not a positive integer.");
    }

    public static double NonNegative(string? raw, string name)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return 0;
        }
        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentException($"{name} '{raw}' is not a non-negative number.");
    }

    public static long AfterId(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return 0;
        }
        return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"afterId '{raw}' is not a non-negative integer.");
    }

    public static bool Flag(string? raw, string name) => raw switch
    {
        null or "" or "false" or "0" => false,
        "true" or "1" or "on" => true,
        _ => throw new ArgumentException($"{name} '{raw}' is not true or false."),
    };

    public static int MinSeverity(string? level)
    {
        if (string.IsNullOrEmpty(level))
        {
            return 0;
        }
        return LogLevels.MinSeverity(level) ?? throw new ArgumentException(
            $"level '{level}' is not one of {string.Join(", ", LogLevels.Names)}.");
    }
}
