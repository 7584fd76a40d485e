namespace McpAspire.ServiceDefaults.ServiceAuth;

/// <summary>
/// Attaches the service key to requests for McpAspire services and strips it from every other request (see
/// <see cref="ServiceKeyOutbound"/>). Added to every factory <see cref="HttpClient"/> by the service defaults, outside
/// service discovery so it sees the logical URI, inside resilience so each retry is decided again.
/// </summary>
public sealed class ServiceKeyHandler : DelegatingHandler
{
    private readonly ServiceKeyOutbound _outbound;

    /// <summary>Creates the handler.</summary>
    public ServiceKeyHandler(ServiceKeyOutbound outbound)
    {
        _outbound = outbound ?? throw new ArgumentNullException(nameof(outbound));
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _outbound.Apply(request);
        return base.SendAsync(request, cancellationToken);
    }
}
