namespace McpAspire.TestSupport;

/// <summary>Locations inside the repository, found by walking up from the test binaries.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"McpAspire.sln not found above {AppContext.BaseDirectory}.");
    });

    /// <summary>The repository root (the folder holding McpAspire.sln).</summary>
    public static string Root => s_root.Value;

    /// <summary>A path under the repository root.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>True when running under CI (<c>CI=true</c>), where a missing prerequisite is a failure, not a skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
