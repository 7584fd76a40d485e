namespace McpAspire.Hosting.Health;

/// <summary>GET on a replica's own port (not the front proxy); 2xx is healthy.</summary>
internal sealed class HttpHealthProbe : IHealthProbe
{
    private static readonly HttpClient s_client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    private readonly Func<int, Uri> _target;

    public HttpHealthProbe(Func<int, Uri> target)
    {
        _target = target;
    }

    public async Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s_client.GetAsync(_target(replica), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
