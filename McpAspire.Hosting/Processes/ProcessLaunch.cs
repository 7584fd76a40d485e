namespace McpAspire.Hosting.Processes;

/// <summary>Locating programs on PATH.</summary>
internal static class ProcessLaunch
{
    private static readonly Lazy<string?> s_setsid = new(() => FindOnPath("setsid"));

    /// <summary>Path of util-linux <c>setsid</c>, or null (then children share the AppHost's group and are killed as a tree).</summary>
    public static string? SetsidPath => s_setsid.Value;

    /// <summary>The full path of an executable on PATH (or of a path, relative to <paramref name="baseDirectory"/>), or null.</summary>
    public static string? FindOnPath(string name, string? baseDirectory = null)
    {
        if (name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            var full = Path.IsPathRooted(name) || baseDirectory is null ? name : Path.GetFullPath(Path.Combine(baseDirectory, name));
            return File.Exists(full) ? full : null;
        }
        foreach (var dir in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
