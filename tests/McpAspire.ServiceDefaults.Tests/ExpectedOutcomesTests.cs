using System.Diagnostics;
using System.Net;
using McpAspire.ServiceDefaults.Telemetry;

namespace McpAspire.ServiceDefaults.Tests;

/// <summary>
/// Which error answers are a caller's expected fallback (not red in the dashboard) and which stay errors: MCP transport
/// negotiation by its <c>Mcp-Method</c> header, marked 404 lookups, and nothing else.
/// </summary>
public sealed class ExpectedOutcomesTests
{
    public static TheoryData<string, string?, bool, HttpStatusCode, bool> Cases => new()
    {
        // 2026-07-28 probe of a 2025-era server (400 unsupported version) or of a legacy SSE path (404/405).
        { "POST", "server/discover", false, HttpStatusCode.BadRequest, true },
        { "POST", "server/discover", false, HttpStatusCode.NotFound, true },
        { "POST", "server/discover", false, HttpStatusCode.MethodNotAllowed, true },
        // Streamable HTTP tried on a legacy HTTP+SSE endpoint before the SSE fallback.
        { "POST", "initialize", false, HttpStatusCode.NotFound, true },
        { "POST", "initialize", false, HttpStatusCode.MethodNotAllowed, true },
        // A refused initialize (bad params, auth) is a real failure.
        { "POST", "initialize", false, HttpStatusCode.BadRequest, false },
        { "POST", "initialize", false, HttpStatusCode.Unauthorized, false },
        // A session that vanished, a failing call, a server error: real failures.
        { "POST", "initialize", true, HttpStatusCode.NotFound, false },
        { "POST", "tools/call", true, HttpStatusCode.NotFound, false },
        { "POST", "server/discover", false, HttpStatusCode.InternalServerError, false },
        { "GET", "server/discover", false, HttpStatusCode.NotFound, false },
        { "POST", null, false, HttpStatusCode.NotFound, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mcp_transport_negotiation_is_expected_and_other_failures_are_not(string method, string? mcpMethod, bool withSession, HttpStatusCode status, bool expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri("http://peer/mcp"));
        if (mcpMethod is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Method", mcpMethod);
        }
        if (withSession)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", "s1");
        }
        using var response = new HttpResponseMessage(status) { RequestMessage = request };
        Assert.Equal(expected, ExpectedOutcomes.IsExpected(response));

        // Enrich clears the error the HttpClient instrumentation set, and only then.
        using var activity = new Activity("POST").Start();
        activity.SetStatus(ActivityStatusCode.Error);
        activity.SetTag("error.type", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        ExpectedOutcomes.Enrich(activity, response);
        Assert.Equal(expected ? ActivityStatusCode.Unset : ActivityStatusCode.Error, activity.Status);
        Assert.Equal(expected, activity.GetTagItem("error.type") is null);
    }

    [Fact]
    public void A_marked_lookup_404_is_expected_but_not_other_statuses()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("http://peer/sessions/x"));
        request.Options.Set(new HttpRequestOptionsKey<bool>(ExpectedOutcomes.NotFoundOptionName), true);
        using var notFound = new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
        using var conflict = new HttpResponseMessage(HttpStatusCode.Conflict) { RequestMessage = request };
        Assert.True(ExpectedOutcomes.IsExpected(notFound));
        Assert.False(ExpectedOutcomes.IsExpected(conflict));
    }
}
