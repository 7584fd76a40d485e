using System.Diagnostics;
using System.Net;

namespace McpAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Outbound answers a caller expects and handles (a lookup answered 404 "no such session" is a normal outcome, not a
/// failure) are not recorded as errors on the HttpClient span: the dashboard shows red only for real failures. A caller
/// marks such a request with <c>request.Options.Set(new HttpRequestOptionsKey&lt;bool&gt;(NotFoundOptionName), true)</c>
/// (a name, so client libraries need no reference to this assembly).
/// </summary>
public static class ExpectedOutcomes
{
    /// <summary>Name of the request option that says "404 is an expected answer".</summary>
    public const string NotFoundOptionName = "McpAspire.ExpectedNotFound";

    private static readonly HttpRequestOptionsKey<bool> s_notFound = new(NotFoundOptionName);

    /// <summary>HttpClient instrumentation enrichment: clears the error status of an expected 404.</summary>
    public static void Enrich(Activity activity, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode == HttpStatusCode.NotFound
            && response.RequestMessage?.Options.TryGetValue(s_notFound, out var expected) == true && expected)
        {
            activity.SetStatus(ActivityStatusCode.Unset);
            activity.SetTag("error.type", null);
        }
    }
}
