using System.Diagnostics;
using System.Net;

namespace McpAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Outbound answers a caller expects and handles are not recorded as errors on the HttpClient span: the dashboard shows
/// red only for real failures. Two kinds:
/// <list type="bullet">
/// <item>A lookup answered 404 "no such session" is a normal outcome: the caller marks such a request with
/// <c>request.Options.Set(new HttpRequestOptionsKey&lt;bool&gt;(NotFoundOptionName), true)</c> (a name, so client libraries
/// need no reference to this assembly).</item>
/// <item>MCP transport negotiation, recognised by the <c>Mcp-Method</c> header every current client sends: a
/// <c>server/discover</c> probe answered 4xx (a server of a revision before 2026-07-28: the client goes on with
/// <c>initialize</c>), and an <c>initialize</c> POST without a session answered 404 or 405 (a legacy HTTP+SSE server:
/// the client falls back to its SSE endpoint). If the fallback fails too, that request's span is the error.</item>
/// </list>
/// </summary>
public static class ExpectedOutcomes
{
    /// <summary>Name of the request option that says "404 is an expected answer".</summary>
    public const string NotFoundOptionName = "McpAspire.ExpectedNotFound";

    private const string McpMethodHeader = "Mcp-Method";
    private const string McpSessionIdHeader = "Mcp-Session-Id";
    private static readonly HttpRequestOptionsKey<bool> s_notFound = new(NotFoundOptionName);

    /// <summary>HttpClient instrumentation enrichment: clears the error status of an expected answer.</summary>
    public static void Enrich(Activity activity, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(response);
        if (IsExpected(response))
        {
            activity.SetStatus(ActivityStatusCode.Unset);
            activity.SetTag("error.type", null);
        }
    }

    /// <summary>True when <paramref name="response"/> is an error status its caller expects and handles.</summary>
    public static bool IsExpected(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        if (status is < 400 or >= 500 || response.RequestMessage is not { } request)
        {
            return false;
        }
        if (response.StatusCode == HttpStatusCode.NotFound
            && request.Options.TryGetValue(s_notFound, out var expected) && expected)
        {
            return true;
        }
        if (request.Method != HttpMethod.Post || !request.Headers.TryGetValues(McpMethodHeader, out var methods))
        {
            return false;
        }
        var method = methods.FirstOrDefault();
        return method switch
        {
            "server/discover" => true,
            "initialize" => response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
                && !request.Headers.Contains(McpSessionIdHeader),
            _ => false,
        };
    }
}
