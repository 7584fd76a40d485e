namespace McpAspire.Hosting.Processes;

/// <summary>What to start for one replica; <see cref="BeforeStop"/> runs before a graceful stop (e.g. flush data).</summary>
internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment)
{
    public Func<CancellationToken, Task>? BeforeStop { get; init; }
}
