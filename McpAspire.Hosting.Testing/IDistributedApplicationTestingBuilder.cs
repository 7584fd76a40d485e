namespace McpAspire.Hosting.Testing;

/// <summary>An AppHost's builder, taken over by a test; build with <see cref="BuildAsync"/>.</summary>
public interface IDistributedApplicationTestingBuilder : IDistributedApplicationBuilder, IAsyncDisposable
{
    /// <summary>Lets the AppHost's <c>Build()</c> finish and returns the application (not started).</summary>
    Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default);
}
