using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using McpAspire.ServiceDefaults.ServiceDiscovery;

namespace McpAspire.ServiceDefaults.ServiceAuth;

/// <summary>
/// Decides which outgoing requests carry the service key: only requests to McpAspire services the AppHost wired in, i.e.
/// a logical URI (<c>http://statesvc</c>, <c>https+http://toolhost</c>) whose service has a <c>services:{name}</c> section,
/// or a concrete URI whose scheme, host and port equal an endpoint listed under <c>services:*</c>. Every other host
/// (third-party MCP servers, identity providers, OTLP collectors) never receives it, and a service-key header someone
/// set by hand is removed before such a request leaves.
/// </summary>
public sealed class ServiceKeyOutbound
{
    private readonly IConfiguration _configuration;
    private readonly string? _key;
    private volatile HashSet<(string Scheme, string Host, int Port)>? _endpoints;

    /// <summary>Creates the policy over the application's configuration.</summary>
    public ServiceKeyOutbound(IOptions<ServiceAuthOptions> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        _configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        _key = string.IsNullOrEmpty(options.Value.Key) ? null : options.Value.Key;
        // The AppHost's environment does not change while a process runs, but tests and reloadable files might.
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(configuration.GetReloadToken, () => _endpoints = null);
    }

    /// <summary>True when this service has a key to send.</summary>
    public bool HasKey => _key is not null;

    /// <summary>True when <paramref name="uri"/> addresses an McpAspire service from <c>services:*</c> configuration.</summary>
    public bool IsServiceTarget(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            return false;
        }
        if (ServiceEndpointResolver.IsLogicalServiceUri(uri))
        {
            var host = uri.Host;
            // "_endpoint.name" names the service after the dot.
            var service = host.StartsWith('_') && host.IndexOf('.', StringComparison.Ordinal) is > 1 and var dot ? host[(dot + 1)..] : host;
            return _configuration.GetSection("services").GetSection(service).Exists();
        }
        return (_endpoints ??= ReadEndpoints()).Contains((uri.Scheme.ToUpperInvariant(), uri.IdnHost.ToUpperInvariant(), uri.Port));
    }

    /// <summary>Sets the key header on a request to a service target and removes it from any other request.</summary>
    public void Apply(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove(ServiceAuthDefaults.HeaderName);
        if (_key is not null && request.RequestUri is { } uri && IsServiceTarget(uri))
        {
            request.Headers.TryAddWithoutValidation(ServiceAuthDefaults.HeaderName, _key);
        }
    }

    /// <summary>Wraps <paramref name="inner"/> (for clients not made by the HTTP client factory) in a <see cref="ServiceKeyHandler"/>.</summary>
    public HttpMessageHandler Wrap(HttpMessageHandler inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new ServiceKeyHandler(this) { InnerHandler = inner };
    }

    private HashSet<(string, string, int)> ReadEndpoints()
    {
        var set = new HashSet<(string, string, int)>();
        foreach (var service in _configuration.GetSection("services").GetChildren())
        {
            foreach (var endpoint in service.GetChildren())
            {
                Add(set, endpoint.Value);
                foreach (var instance in endpoint.GetChildren())
                {
                    Add(set, instance.Value);
                }
            }
        }
        return set;

        static void Add(HashSet<(string, string, int)> set, string? value)
        {
            if (value is { Length: > 0 } && Uri.TryCreate(value, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host))
            {
                set.Add((uri.Scheme.ToUpperInvariant(), uri.IdnHost.ToUpperInvariant(), uri.Port));
            }
        }
    }
}
