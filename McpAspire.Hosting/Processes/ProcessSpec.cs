namespace McpAspire.Hosting.Processes;

/// <summary>What to start for one replica; <see cref="BeforeStop"/> runs before a graceful stop (e.g. flush data).</summary>
internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment)
{
    public Func<CancellationToken, Task>? BeforeStop { get; init; }

    /// <summary>Text written to the process's standard input right after start, which is then closed (e.g. a config with a secret).</summary>
    public string? StandardInput { get; init; }
}
