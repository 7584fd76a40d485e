using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using McpAspire.Dashboard.Configuration;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard.ResourceService;

/// <summary>
/// Client of the AppHost's resource service (<c>GET /resources</c>, <c>/resources/watch</c>,
/// <c>/resources/{name}/logs</c>, <c>POST /resources/{name}/commands/{command}</c>), sending
/// <c>x-resource-service-key</c> on every request.
/// </summary>
public sealed class ResourceServiceClient
{
    /// <summary>Header carrying the resource service key.</summary>
    public const string ApiKeyHeader = "x-resource-service-key";

    private readonly HttpClient _http;
    private readonly ResourceServiceOptions _options;

    public ResourceServiceClient(HttpClient http, IOptions<ResourceServiceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
        // Streams stay open for as long as a page watches; each call bounds itself with its token instead.
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>True when a resource service URL is configured.</summary>
    public bool IsConfigured => _options.IsConfigured;

    /// <summary>Longest wait for an answer or a stream's headers.</summary>
    public TimeSpan RequestTimeout => _options.RequestTimeout;

    /// <summary>Sends a request and returns the response with headers read (the caller disposes it).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relativePath, CancellationToken cancellationToken, bool eventStream = false)
    {
        ArgumentNullException.ThrowIfNull(method);
        var baseUrl = _options.Url ?? throw new InvalidOperationException("No resource service is configured (ResourceService__Url).");
        using var request = new HttpRequestMessage(method, new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/" + relativePath.TrimStart('/')));
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, _options.ApiKey);
        }
        if (eventStream)
        {
            request.Headers.Accept.ParseAdd("text/event-stream");
        }
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The current resources as raw JSON (an array).</summary>
    public async Task<string> GetResourcesJsonAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await SendAsync(HttpMethod.Get, "resources", timeout.Token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"The resource service did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s.", ex);
        }
    }

    /// <summary>Runs a command; returns the resource service's status code (202 accepted, 404 unknown…).</summary>
    public async Task<HttpStatusCode> ExecuteCommandAsync(string resource, string command, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await SendAsync(HttpMethod.Post,
                $"resources/{Uri.EscapeDataString(resource)}/commands/{Uri.EscapeDataString(command)}", timeout.Token).ConfigureAwait(false);
            return response.StatusCode;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"The resource service did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s.", ex);
        }
    }

    /// <summary>
    /// Console log events of a resource (raw JSON data of each SSE event): buffered lines first, then live, until
    /// the token is cancelled or the stream ends.
    /// </summary>
    public async IAsyncEnumerable<string> ReadConsoleLogsAsync(string resource, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"resources/{Uri.EscapeDataString(resource)}/logs", cancellationToken, eventStream: true).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new KeyNotFoundException($"The resource service knows no resource '{resource}'.");
        }
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item.Data;
        }
    }
}
