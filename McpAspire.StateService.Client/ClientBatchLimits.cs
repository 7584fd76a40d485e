namespace McpAspire.StateService.Client;

/// <summary>Bounds of <c>POST /clients/batch-update</c> (<see cref="ClientBatchUpdateRequest"/>).</summary>
public static class ClientBatchLimits
{
    /// <summary>Sessions one batch update may name: bounds the work one request can cause.</summary>
    public const int MaxSessions = 1000;
}
