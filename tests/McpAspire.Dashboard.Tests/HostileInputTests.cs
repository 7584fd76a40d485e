using System.Net;
using McpAspire.Dashboard.Tests.Infrastructure;
using McpAspire.TestSupport.HostileInput;
using Xunit.Abstractions;

namespace McpAspire.Dashboard.Tests;

/// <summary>
/// The hostile-input corpus against every endpoint the dashboard maps, logged out and logged in (with the OTLP key):
/// never a 5xx, never a hang, and the dashboard still ingests and serves afterwards.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const string OtlpKey = "otlp-key-for-the-hostile-corpus";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_endpoint_survives_the_hostile_corpus(bool loggedIn)
    {
        await using var dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Dashboard:Otlp:ApiKey"] = OtlpKey });
        var cookie = string.Empty;
        if (loggedIn)
        {
            var cookies = new CookieContainer();
            using var login = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = dashboard.Address };
            using var response = await login.GetAsync(new Uri($"/login?t={dashboard.Token}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            cookie = cookies.GetCookieHeader(dashboard.Address);
            Assert.NotEmpty(cookie);
        }
        var probe = new HostileEndpointProbe
        {
            Authorize = loggedIn
                ? r =>
                {
                    r.Headers.TryAddWithoutValidation("Cookie", cookie);
                    r.Headers.TryAddWithoutValidation("x-otlp-api-key", OtlpKey);
                }
                : null,
            // No resource service runs in this test: the resource API rightly answers 503 problem+json.
            UnavailableDependencyPatterns = new HashSet<string> { "/api/resources", "/api/resources/watch", "/api/resources/{name}/logs", "/api/resources/{name}/commands/{command}" },
            RawAuthorizationHeaders = loggedIn ? $"Cookie: {cookie}\r\nx-otlp-api-key: {OtlpKey}\r\n" : string.Empty,
        };

        var report = await probe.RunAsync(dashboard.App, dashboard.Address);

        output.WriteLine(report.Summary);
        Assert.Contains(report.Endpoints, e => e.Pattern == "/v1/traces");
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(40)));
        using var client = await dashboard.CreateClientAsync();
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var traces = await client.GetAsync(new Uri("/api/traces", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, traces.StatusCode);
    }
}
