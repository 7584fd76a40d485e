namespace McpAspire.ToolHost.Conformance;

/// <summary>Fixed payloads the conformance scenarios compare against.</summary>
internal static class ConformanceFixtures
{
    /// <summary>A 1×1 red PNG, base64.</summary>
    public const string PngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    /// <summary>A minimal WAV file, base64.</summary>
    public const string WavBase64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

    public static ReadOnlyMemory<byte> Png => Convert.FromBase64String(PngBase64);

    public static ReadOnlyMemory<byte> Wav => Convert.FromBase64String(WavBase64);
}
