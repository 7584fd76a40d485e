namespace McpAspire.ServiceDefaults.ServiceDiscovery;

/// <summary>Rewrites a request's logical service URI to a concrete endpoint just before it is sent.</summary>
public sealed class ServiceDiscoveryHandler : DelegatingHandler
{
    private readonly ServiceEndpointResolver _resolver;

    /// <summary>Creates the handler.</summary>
    public ServiceDiscoveryHandler(ServiceEndpointResolver resolver)
    {
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var original = request.RequestUri;
        if (original is not null && ServiceEndpointResolver.IsLogicalServiceUri(original))
        {
            request.RequestUri = _resolver.Resolve(original);
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Restore so an outer retry resolves again (and may pick another instance).
                request.RequestUri = original;
            }
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
