namespace McpAspire.Hosting.Health;

/// <summary>Health of a Redis resource: AUTH + PING.</summary>
internal sealed class RedisPingProbe : IHealthProbe
{
    private readonly Func<(string Host, int Port, string? Password)> _target;

    public RedisPingProbe(Func<(string Host, int Port, string? Password)> target)
    {
        _target = target;
    }

    public Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken)
    {
        var (host, port, password) = _target();
        return RedisPing.PingAsync(host, port, password, TimeSpan.FromSeconds(2), cancellationToken);
    }
}
