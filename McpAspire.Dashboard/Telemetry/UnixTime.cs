using System.Globalization;

namespace McpAspire.Dashboard.Telemetry;

/// <summary>Conversions of OTLP Unix-nanosecond times.</summary>
public static class UnixTime
{
    /// <summary>Epoch milliseconds (fractional).</summary>
    public static double ToMs(ulong unixNano) => unixNano / 1_000_000.0;

    /// <summary>ISO-8601 UTC with milliseconds.</summary>
    public static string ToIso(ulong unixNano) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(unixNano / 1_000_000, 253402300799999))
        .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
