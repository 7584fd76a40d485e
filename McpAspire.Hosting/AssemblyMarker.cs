namespace McpAspire.Hosting;

/// <summary>Marker for the assembly; the real API arrives with its issue.</summary>
internal static class AssemblyMarker
{
}
