namespace McpAspire.Redis.Telemetry;

/// <summary>Per-endpoint tag values shared by every command on a connection.</summary>
internal sealed class EndpointTags(string address, int port)
{
    public string Address { get; } = address;

    public int Port { get; } = port;

    public object BoxedPort { get; } = port;
}
