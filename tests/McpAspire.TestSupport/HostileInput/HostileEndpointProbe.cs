using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace McpAspire.TestSupport.HostileInput;

/// <summary>One endpoint the app maps, as the probe sees it.</summary>
/// <param name="Pattern">The route pattern text.</param>
/// <param name="Methods">The HTTP methods it answers.</param>
/// <param name="RoutePattern">The parsed pattern, to fill parameters.</param>
public sealed record ProbedEndpoint(string Pattern, IReadOnlyList<string> Methods, RoutePattern RoutePattern)
{
    /// <summary>The path with every route parameter set to <paramref name="value"/> (already URL-encoded).</summary>
    public string PathWith(string value)
    {
        var sb = new StringBuilder();
        foreach (var segment in RoutePattern.PathSegments)
        {
            sb.Append('/');
            foreach (var part in segment.Parts)
            {
                sb.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart => value,
                    RoutePatternSeparatorPart separator => separator.Content,
                    _ => string.Empty,
                });
            }
        }
        return sb.Length == 0 ? "/" : sb.ToString();
    }

    /// <summary>Whether the pattern has route parameters.</summary>
    public bool HasParameters => RoutePattern.Parameters.Count > 0;
}

/// <summary>What went wrong for one hostile request.</summary>
public sealed record HostileFailure(string Method, string Path, string Case, string What)
{
    /// <inheritdoc />
    public override string ToString() => $"{Method} {(Path.Length > 120 ? Path[..120] + "…" : Path)} [{Case}]: {What}";
}

/// <summary>The outcome of a probe: how many requests went out, the status codes seen, and the failures.</summary>
public sealed record HostileProbeReport(int Requests, IReadOnlyDictionary<int, int> StatusCounts, IReadOnlyList<HostileFailure> Failures, IReadOnlyList<ProbedEndpoint> Endpoints)
{
    /// <summary>A summary for the test output.</summary>
    public string Summary =>
        $"{Requests} hostile requests to {Endpoints.Count} endpoints; statuses: "
        + string.Join(", ", StatusCounts.OrderBy(e => e.Key).Select(e => $"{(e.Key == 0 ? "closed" : e.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}×{e.Value}"))
        + $"; failures: {Failures.Count}";
}

/// <summary>
/// Sends the <see cref="HostileRequestCorpus"/> to every endpoint a running app maps (read from its endpoint data
/// sources, so new endpoints are covered without editing a list) and records what is unacceptable: a 5xx, no response
/// within <see cref="ResponseTimeout"/>, or the server dropping a connection on input it should have answered.
/// A streaming response (<c>text/event-stream</c>) counts as answered once its headers arrive.
/// </summary>
public sealed class HostileEndpointProbe
{
    private static readonly string[] DefaultMethods = ["GET", "POST"];

    /// <summary>How long one request may go without response headers before it counts as a hang.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Adds credentials (bearer token, API key, service key) to every request, or null for none.</summary>
    public Action<HttpRequestMessage>? Authorize { get; init; }

    /// <summary>Credentials for raw requests: header lines (with CRLF) inserted after Host, or empty.</summary>
    public string RawAuthorizationHeaders { get; init; } = string.Empty;

    /// <summary>Endpoints left out (by pattern), e.g. one that shuts the app down.</summary>
    public IReadOnlySet<string> ExcludedPatterns { get; init; } = new HashSet<string>();

    /// <summary>
    /// Endpoints (by pattern) for which 503 is a correct answer in the test's set-up, e.g. one that fronts a service the
    /// test does not run. Every other 5xx is still a failure.
    /// </summary>
    public IReadOnlySet<string> UnavailableDependencyPatterns { get; init; } = new HashSet<string>();

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>The endpoints an app maps (route endpoints only), with their methods.</summary>
    public static IReadOnlyList<ProbedEndpoint> EndpointsOf(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(ds => ds.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(e => new ProbedEndpoint(
                NormalizedPattern(e.RoutePattern.RawText),
                e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods.ToArray() : DefaultMethods,
                e.RoutePattern))
            .GroupBy(e => e.Pattern)
            .Select(g => new ProbedEndpoint(g.Key, g.SelectMany(e => e.Methods).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray(), g.First().RoutePattern))
            .OrderBy(e => e.Pattern, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>An endpoint described by hand, for a server whose <see cref="WebApplication"/> a test cannot reach.</summary>
    public static ProbedEndpoint Endpoint(string pattern, params string[] methods) =>
        new(NormalizedPattern(pattern), methods, RoutePatternFactory.Parse(pattern));

    /// <summary>Probes every endpoint of <paramref name="app"/> listening at <paramref name="baseAddress"/>.</summary>
    public Task<HostileProbeReport> RunAsync(WebApplication app, Uri baseAddress, CancellationToken cancellationToken = default) =>
        RunAsync(EndpointsOf(app), baseAddress, cancellationToken);

    /// <summary>Probes the given endpoints of a server listening at <paramref name="baseAddress"/>.</summary>
    public async Task<HostileProbeReport> RunAsync(IReadOnlyList<ProbedEndpoint> endpointList, Uri baseAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpointList);
        ArgumentNullException.ThrowIfNull(baseAddress);
        var endpoints = endpointList.Where(e => !ExcludedPatterns.Contains(e.Pattern)).ToArray();
        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentBag<HostileFailure>();
        var count = 0;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            // Send non-ASCII header values as raw UTF-8 bytes, as a hostile client would.
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };

        var cases = endpoints.SelectMany(e => e.Methods.Select(m => (Endpoint: e, Method: m))).SelectMany(Cases).ToArray();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (c, ct) =>
        {
            Interlocked.Increment(ref count);
            var status = await SendAsync(http, c, failures, ct).ConfigureAwait(false);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        }).ConfigureAwait(false);

        var rawTargets = endpoints.SelectMany(e => e.Methods.Take(1).Select(_ => e.PathWith("probe"))).Distinct(StringComparer.Ordinal).ToArray();
        var rawCases = rawTargets.SelectMany(path => HostileRequestCorpus.RawHttpCases().Select(rc => (Path: path, rc.Name, rc.Request))).ToArray();
        await Parallel.ForEachAsync(rawCases, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (c, ct) =>
        {
            Interlocked.Increment(ref count);
            var status = await SendRawAsync(baseAddress, c.Path, c.Name, c.Request(c.Path), failures, ct).ConfigureAwait(false);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        }).ConfigureAwait(false);

        return new HostileProbeReport(count, statuses, failures.OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Case, StringComparer.Ordinal).ToArray(), endpoints);
    }

    private sealed record Case(string Pattern, string Method, string Path, string Name, IReadOnlyDictionary<string, string>? Headers, byte[]? Body, string? ContentType, bool MayDropConnection);

    private static IEnumerable<Case> Cases((ProbedEndpoint Endpoint, string Method) target)
    {
        var (endpoint, method) = target;
        var path = endpoint.PathWith("probe");
        var hasBody = method is "POST" or "PUT" or "PATCH";
        if (endpoint.HasParameters)
        {
            foreach (var value in HostileRequestCorpus.RouteValues)
            {
                yield return new Case(endpoint.Pattern, method, endpoint.PathWith(value), $"route value {Shorten(value)}", null, hasBody ? "{}"u8.ToArray() : null, hasBody ? "application/json" : null, false);
            }
        }
        foreach (var query in HostileRequestCorpus.Queries)
        {
            yield return new Case(endpoint.Pattern, method, path + "?" + query, $"query {Shorten(query)}", null, hasBody ? "{}"u8.ToArray() : null, hasBody ? "application/json" : null, false);
        }
        foreach (var (name, headers) in HostileRequestCorpus.HeaderSets())
        {
            yield return new Case(endpoint.Pattern, method, path, name, headers, hasBody ? "{}"u8.ToArray() : null, hasBody ? "application/json" : null, false);
        }
        // Bodies go to every method: a GET or DELETE with a body must not confuse the server either.
        foreach (var (name, body, contentType) in HostileRequestCorpus.Bodies())
        {
            if (!hasBody && body.Length > 64 * 1024)
            {
                continue;
            }
            yield return new Case(endpoint.Pattern, method, path, name, null, body, contentType, MayDropConnection: body.Length > 1024 * 1024);
        }
    }

    private async Task<int> SendAsync(HttpClient http, Case c, ConcurrentBag<HostileFailure> failures, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), new Uri(c.Path, UriKind.Relative));
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Body);
            if (c.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
            }
        }
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        // One connection per request: a server may rightly close a connection after a bad request, and a pooled
        // connection closing under the next request would look like a failure of that request.
        request.Headers.ConnectionClose = true;
        Authorize?.Invoke(request);
        foreach (var (name, value) in c.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResponseTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status >= 500 && !(status == 503 && UnavailableDependencyPatterns.Contains(c.Pattern)))
            {
                var body = await ReadSomeAsync(response, timeout.Token).ConfigureAwait(false);
                failures.Add(new HostileFailure(c.Method, c.Path, c.Name, $"{status}: {body}"));
            }
            else if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                // Reading the body proves the server finishes what it started.
                await ReadSomeAsync(response, timeout.Token).ConfigureAwait(false);
            }
            return status;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failures.Add(new HostileFailure(c.Method, c.Path, c.Name, $"no complete response within {ResponseTimeout.TotalSeconds:0} s"));
            return -1;
        }
        catch (HttpRequestException ex) when (c.MayDropConnection)
        {
            _ = ex; // A server may close the connection instead of reading an oversized body to its end.
            return 0;
        }
        catch (HttpRequestException ex)
        {
            failures.Add(new HostileFailure(c.Method, c.Path, c.Name, "connection failed: " + ex.Message));
            return 0;
        }
    }

    private async Task<int> SendRawAsync(Uri baseAddress, string path, string name, string request, ConcurrentBag<HostileFailure> failures, CancellationToken cancellationToken)
    {
        if (RawAuthorizationHeaders.Length > 0)
        {
            var hostLine = request.IndexOf("Host: localhost\r\n", StringComparison.Ordinal);
            if (hostLine >= 0)
            {
                request = request.Insert(hostLine + "Host: localhost\r\n".Length, RawAuthorizationHeaders);
            }
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResponseTimeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, baseAddress.Port), timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.Latin1.GetBytes(request), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
            var buffer = new byte[4096];
            var received = new StringBuilder();
            while (received.Length < 16 * 1024)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                received.Append(Encoding.Latin1.GetString(buffer, 0, n));
                if (received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    break;
                }
            }
            var text = received.ToString();
            if (text.Length == 0)
            {
                return 0; // closed without an answer: acceptable for input that is not HTTP
            }
            var status = text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), out var s) ? s : -2;
            // 505 is the right answer to a request line without a valid HTTP version.
            if (status == -2 || (status >= 500 && status != 505))
            {
                failures.Add(new HostileFailure("RAW", path, name, "answered: " + Shorten(text.Split("\r\n")[0])));
            }
            return status;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failures.Add(new HostileFailure("RAW", path, name, $"no response within {ResponseTimeout.TotalSeconds:0} s"));
            return -1;
        }
        catch (SocketException)
        {
            return 0; // reset by the server: acceptable for input that is not HTTP
        }
    }

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return Shorten(body);
    }

    private static string NormalizedPattern(string? raw) =>
        raw is null || raw.Trim('/').Length == 0 ? "/" : "/" + raw.Trim('/');

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
