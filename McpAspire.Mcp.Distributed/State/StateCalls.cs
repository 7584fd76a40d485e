using System.Net;
using McpAspire.Mcp.Sessions;
using McpAspire.StateService.Client;

namespace McpAspire.Mcp.Distributed.State;

/// <summary>Turns "the state service cannot answer" into <see cref="McpSessionStoreUnavailableException"/> (the endpoint's 503).</summary>
internal static class StateCalls
{
    /// <summary>True for failures that mean the service (or its Redis) is down, overloaded or unreachable.</summary>
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        StateServiceException s => s.StatusCode is null || (int)s.StatusCode.Value >= 500 || s.StatusCode == HttpStatusCode.TooManyRequests,
        HttpRequestException or IOException => true,
        // HttpClient.Timeout surfaces as a cancellation nobody asked for.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static McpSessionStoreUnavailableException Unavailable(Exception exception) =>
        new("The state service is unavailable: " + exception.Message, exception) { RetryAfter = TimeSpan.FromSeconds(1) };
}
