namespace McpAspire.Bench;

/// <summary>A benchmark scenario, named as DESIGN.md §8 and the issues name it.</summary>
public interface IScenario
{
    /// <summary>The name given to <c>bench/run.sh</c>.</summary>
    string Name { get; }

    /// <summary>Runs the scenario and reports through <see cref="BenchResult"/>; returns the process exit code.</summary>
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
