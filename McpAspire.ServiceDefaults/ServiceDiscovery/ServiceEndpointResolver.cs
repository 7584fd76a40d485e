using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace McpAspire.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Resolves logical service URIs (<c>http://statesvc</c>, <c>https+http://statesvc</c>, <c>http://_admin.statesvc</c>)
/// to concrete endpoints from Aspire's configuration contract <c>services:{name}:{endpoint}:{index}</c>
/// (environment form <c>services__{name}__{endpoint}__{index}</c>). Stands in for Microsoft.Extensions.ServiceDiscovery.
/// </summary>
public sealed class ServiceEndpointResolver
{
    private readonly IConfiguration _configuration;
    private readonly ConcurrentDictionary<string, int> _roundRobin = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a resolver over the application's configuration.</summary>
    public ServiceEndpointResolver(IConfiguration configuration)
    {
        _configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
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
    /// Maps a logical URI to a concrete one, keeping path and query. Several instances of an endpoint are used
    /// round-robin. Throws <see cref="ServiceDiscoveryException"/> naming the configuration keys that were tried.
    /// </summary>
    public Uri Resolve(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var (serviceName, endpointName) = SplitHost(uri.Host);
        var schemes = uri.Scheme.Split('+', StringSplitOptions.RemoveEmptyEntries);

        var tried = new List<string>(schemes.Length);
        // An explicit "_endpoint." prefix names the endpoint; otherwise each scheme in preference order is an endpoint name.
        var candidates = endpointName is not null ? [endpointName] : schemes;
        foreach (var candidate in candidates)
        {
            var key = $"services:{serviceName}:{candidate}";
            tried.Add(key);
            var instances = ReadInstances(key);
            if (instances.Count == 0)
            {
                continue;
            }
            var index = instances.Count == 1 ? 0 : (int)((uint)_roundRobin.AddOrUpdate(key, 0, static (_, i) => unchecked(i + 1)) % (uint)instances.Count);
            var target = instances[index];
            if (endpointName is not null && !schemes.Contains(target.Scheme, StringComparer.OrdinalIgnoreCase))
            {
                throw new ServiceDiscoveryException(
                    $"Service '{serviceName}' endpoint '{endpointName}' is '{target}', whose scheme is not one of '{uri.Scheme}'.");
            }
            var builder = new UriBuilder(uri)
            {
                Scheme = target.Scheme,
                Host = target.Host,
                Port = target.Port,
            };
            // Keep a base path from the configured endpoint (rare, but Aspire allows it).
            if (target.AbsolutePath.Length > 1)
            {
                builder.Path = target.AbsolutePath.TrimEnd('/') + uri.AbsolutePath;
            }
            return builder.Uri;
        }

        var envKeys = string.Join(", ", tried.Select(k => k.Replace(":", "__", StringComparison.Ordinal) + "__0"));
        throw new ServiceDiscoveryException(
            $"No endpoint found for service '{serviceName}' ({uri.Scheme}://{uri.Host}): configuration key(s) {string.Join(", ", tried.Select(k => $"'{k}'"))} are not set (environment: {envKeys}).");
    }

    private static (string Service, string? Endpoint) SplitHost(string host)
    {
        if (host.StartsWith('_'))
        {
            var dot = host.IndexOf('.', StringComparison.Ordinal);
            if (dot > 1 && dot < host.Length - 1)
            {
                return (host[(dot + 1)..], host[1..dot]);
            }
        }
        return (host, null);
    }

    private List<Uri> ReadInstances(string key)
    {
        var result = new List<Uri>();
        var section = _configuration.GetSection(key);
        // Both forms are accepted: a single value ("services:x:http") or an indexed list ("services:x:http:0").
        if (section.Value is { Length: > 0 } single)
        {
            AddParsed(result, key, single);
        }
        foreach (var child in section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
        {
            if (child.Value is { Length: > 0 } value)
            {
                AddParsed(result, child.Path, value);
            }
        }
        return result;
    }

    private static void AddParsed(List<Uri> result, string key, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var parsed))
        {
            // host:port without a scheme, as some tools write it.
            if (IPEndPoint.TryParse(value, out _) || value.Contains(':', StringComparison.Ordinal))
            {
                if (Uri.TryCreate("http://" + value, UriKind.Absolute, out parsed))
                {
                    result.Add(parsed);
                    return;
                }
            }
            throw new ServiceDiscoveryException($"Configuration key '{key}' holds '{value}', which is not an absolute URL.");
        }
        result.Add(parsed);
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
