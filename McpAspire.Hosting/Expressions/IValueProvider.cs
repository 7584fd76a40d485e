namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Something whose value is known only when the application runs (an allocated port, a password…).</summary>
public interface IValueProvider
{
    /// <summary>The run-time value.</summary>
    ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default);
}
