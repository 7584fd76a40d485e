namespace McpAspire.StateService.Api;

/// <summary>Names of the request-timeout policies (<c>State:DefaultRequestTimeout</c>, <c>State:LongRequestTimeout</c>).</summary>
public static class StateTimeouts
{
    public const string Long = "long";
}
