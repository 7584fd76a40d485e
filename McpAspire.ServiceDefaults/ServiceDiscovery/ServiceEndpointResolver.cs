using System.Net;
using Microsoft.Extensions.ServiceDiscovery;

namespace McpAspire.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Resolves a logical service URI (<c>http://statesvc</c>, <c>https+http://statesvc</c>, <c>http://_admin.statesvc</c>)
/// to one concrete endpoint through Microsoft.Extensions.ServiceDiscovery (Aspire's <c>services:{name}:{endpoint}:{i}</c>
/// contract), for the few callers that need the address itself rather than a factory <see cref="HttpClient"/> (which
/// resolves on its own): the gateway's downstream MCP transports.
/// </summary>
public sealed class ServiceEndpointResolver
{
    private readonly Microsoft.Extensions.ServiceDiscovery.ServiceEndpointResolver _inner;
    private int _next = -1;

    /// <summary>Creates the resolver over the package's resolver.</summary>
    public ServiceEndpointResolver(Microsoft.Extensions.ServiceDiscovery.ServiceEndpointResolver inner)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    }

    /// <summary>
    /// True when <paramref name="uri"/> names a logical service rather than a DNS host or address:
    /// a <c>+</c>-joined scheme, an <c>_endpoint.</c> prefix, or a single-label host other than <c>localhost</c>.
    /// </summary>
    public static bool IsLogicalServiceUri(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            return false;
        }
        if (uri.Scheme.Contains('+', StringComparison.Ordinal) || uri.Host.StartsWith('_'))
        {
            return true;
        }
        var host = uri.Host;
        return uri.HostNameType == UriHostNameType.Dns
            && !host.Contains('.', StringComparison.Ordinal)
            && !string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Maps a logical URI to a concrete one, keeping path and query; several instances are used round-robin. Completes
    /// at once for configuration-based endpoints (what Aspire injects). Throws <see cref="ServiceDiscoveryException"/>
    /// naming the configuration keys it looked for when there is none.
    /// </summary>
    public Uri Resolve(Uri uri)
    {
        var pending = ResolveAsync(uri, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Asynchronous <see cref="Resolve"/>.</summary>
    public async ValueTask<Uri> ResolveAsync(Uri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var serviceName = uri.GetLeftPart(UriPartial.Authority);
        Microsoft.Extensions.ServiceDiscovery.ServiceEndpointSource source;
        try
        {
            source = await _inner.GetEndpointsAsync(serviceName, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new ServiceDiscoveryException(NotFound(uri), ex);
        }
        var endpoints = source.Endpoints;
        if (endpoints.Count == 0)
        {
            throw new ServiceDiscoveryException(NotFound(uri));
        }
        var chosen = endpoints[(int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Count)].EndPoint;
        var preferred = uri.Scheme.Split('+')[0];
        var builder = new UriBuilder(uri);
        switch (chosen)
        {
            case UriEndPoint u:
                builder.Scheme = u.Uri.Scheme;
                builder.Host = u.Uri.Host;
                builder.Port = u.Uri.Port;
                if (u.Uri.AbsolutePath.Length > 1)
                {
                    builder.Path = u.Uri.AbsolutePath.TrimEnd('/') + uri.AbsolutePath;
                }
                break;
            case DnsEndPoint d when string.Equals(d.Host, uri.Host, StringComparison.OrdinalIgnoreCase):
                // The package's pass-through provider hands an unknown name back for DNS; a logical name is not a host.
                throw new ServiceDiscoveryException(NotFound(uri));
            case DnsEndPoint d:
                builder.Scheme = preferred;
                builder.Host = d.Host;
                builder.Port = d.Port;
                break;
            case IPEndPoint ip:
                builder.Scheme = preferred;
                builder.Host = ip.Address.ToString();
                builder.Port = ip.Port;
                break;
            default:
                throw new ServiceDiscoveryException($"Service '{serviceName}' resolved to '{chosen}', which is not an address.");
        }
        return builder.Uri;
    }

    private static string NotFound(Uri uri)
    {
        var host = uri.Host;
        string service = host;
        string[] endpoints = uri.Scheme.Split('+', StringSplitOptions.RemoveEmptyEntries);
        if (host.StartsWith('_') && host.IndexOf('.', StringComparison.Ordinal) is var dot and > 1)
        {
            service = host[(dot + 1)..];
            endpoints = [host[1..dot]];
        }
        var keys = endpoints.Select(e => $"services:{service}:{e}").ToList();
        var env = string.Join(", ", keys.Select(k => k.Replace(":", "__", StringComparison.Ordinal) + "__0"));
        return $"No endpoint found for service '{service}' ({uri.Scheme}://{uri.Host}): configuration key(s) {string.Join(", ", keys.Select(k => $"'{k}'"))} are not set (environment: {env}).";
    }
}

/// <summary>A logical service name could not be resolved to an endpoint.</summary>
public sealed class ServiceDiscoveryException : InvalidOperationException
{
    /// <summary>Creates the exception with a message naming the configuration consulted.</summary>
    public ServiceDiscoveryException(string message) : base(message)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public ServiceDiscoveryException()
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public ServiceDiscoveryException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
