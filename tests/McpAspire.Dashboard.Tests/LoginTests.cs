using System.Net;
using System.Net.Http.Headers;
using McpAspire.Dashboard.Tests.Infrastructure;

namespace McpAspire.Dashboard.Tests;

/// <summary>Browser-token login by default, unsecured on request; OTLP, health and assets stay outside the login.</summary>
public sealed class LoginTests
{
    [Fact]
    public async Task Pages_redirect_to_login_and_api_answers_401_until_the_token_is_presented()
    {
        await using var dashboard = await DashboardServer.StartAsync();
        using var anonymous = await dashboard.CreateClientAsync(login: false);

        using (var page = await anonymous.GetAsync(new Uri("/traces", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        using (var api = await anonymous.GetAsync(new Uri("/api/traces", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        }
        using (var form = await anonymous.GetAsync(new Uri("/login", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
            Assert.Contains("name=\"token\"", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var wrong = await anonymous.GetAsync(new Uri("/login?t=not-the-token", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("not valid", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var stillOut = await anonymous.GetAsync(new Uri("/api/traces", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, stillOut.StatusCode);
        }

        // The form post works as well as the URL, and only redirects to local paths.
        using (var login = await anonymous.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = dashboard.Token,
            ["returnUrl"] = "//evil.example/",
        })))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Equal("/", login.Headers.Location!.OriginalString);
            var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }
        using (var page = await anonymous.GetAsync(new Uri("/traces", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("data-page=\"traces\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var api = await anonymous.GetAsync(new Uri("/api/traces", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }
    }

    [Fact]
    public async Task The_login_url_is_logged_at_start_and_a_configured_token_is_used()
    {
        using var logs = new CapturingLoggerProvider();
        await using var dashboard = await DashboardServer.StartAsync(
            new Dictionary<string, string?> { ["Dashboard:Frontend:BrowserToken"] = "token-from-the-apphost-0123" }, logs);
        var expected = $"Login to the dashboard at {dashboard.Address.ToString().TrimEnd('/')}/login?t=token-from-the-apphost-0123";
        Assert.Contains(expected, logs.Messages);
        using var client = await dashboard.CreateClientAsync(login: false);
        using var login = await client.GetAsync(new Uri("/login?t=token-from-the-apphost-0123", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    [Fact]
    public async Task Random_tokens_differ_per_run_and_a_short_configured_token_is_refused()
    {
        await using var first = await DashboardServer.StartAsync();
        await using var second = await DashboardServer.StartAsync();
        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal(32, first.Token.Length);
        await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            DashboardServer.StartAsync(new Dictionary<string, string?> { ["Dashboard:Frontend:BrowserToken"] = "short" }));
    }

    [Fact]
    public async Task Login_url_goes_to_the_return_path_and_every_page_renders()
    {
        await using var dashboard = await DashboardServer.StartAsync();
        using var client = await dashboard.CreateClientAsync(login: false);
        using (var login = await client.GetAsync(new Uri($"/login?t={dashboard.Token}&returnUrl=%2Fmetrics", UriKind.Relative)))
        {
            Assert.Equal("/metrics", login.Headers.Location!.OriginalString);
        }
        foreach (var (path, page) in new[] { ("/", "resources"), ("/consolelogs", "consolelogs"), ("/structuredlogs", "structuredlogs"),
            ("/traces", "traces"), ("/traces/0123456789abcdef0123456789abcdef", "trace"), ("/metrics", "metrics") })
        {
            var html = await client.GetStringAsync(new Uri(path, UriKind.Relative));
            Assert.Contains($"data-page=\"{page}\"", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Otlp_health_and_assets_need_no_login_but_mcp_needs_its_key()
    {
        await using var dashboard = await DashboardServer.StartAsync();
        using var anonymous = await dashboard.CreateClientAsync(login: false);
        var (_, gateway, _) = OtlpRequests.ToolCallTrace();
        using (var otlp = await OtlpRequests.PostAsync(anonymous, "/v1/traces", gateway))
        {
            Assert.Equal(HttpStatusCode.OK, otlp.StatusCode);
        }
        Assert.Contains("Healthy", await anonymous.GetStringAsync(new Uri("/health", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Contains("EventSource", await anonymous.GetStringAsync(new Uri("/_assets/dashboard.js", UriKind.Relative)), StringComparison.Ordinal);

        var ping = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", new MediaTypeHeaderValue("application/json"));
        using (var noKey = await anonymous.PostAsync(new Uri("/mcp", UriKind.Relative), ping))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/mcp", UriKind.Relative))
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.Token);
        using var withKey = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    [Fact]
    public async Task Unsecured_mode_needs_no_login()
    {
        await using var dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Dashboard:Unsecured"] = "true" });
        using var anonymous = await dashboard.CreateClientAsync(login: false);
        using var page = await anonymous.GetAsync(new Uri("/structuredlogs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var api = await anonymous.GetAsync(new Uri("/api/logs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        using var mcp = await anonymous.PostAsync(new Uri("/mcp", UriKind.Relative),
            new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.OK, mcp.StatusCode);
    }
}
