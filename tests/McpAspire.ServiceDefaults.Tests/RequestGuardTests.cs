using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace McpAspire.ServiceDefaults.Tests;

/// <summary>Every endpoint of a service checks Host and Origin before it runs (DNS rebinding, cross-site calls).</summary>
public sealed class RequestGuardTests
{
    private static Task<KestrelApp> StartAsync(IDictionary<string, string?>? settings = null) =>
        KestrelApp.StartAsync(b => b.AddServiceDefaults(), a =>
        {
            a.MapDefaultEndpoints();
            a.MapPost("/things", () => Results.Ok(new { ok = true }));
        }, settings);

    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> SendAsync(KestrelApp app, string? host = null, string? origin = null, string path = "/things")
    {
        using var client = new HttpClient { BaseAddress = app.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (host is not null)
        {
            request.Headers.Host = host;
        }
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }
        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Loopback_hosts_and_requests_without_origin_pass()
    {
        await using var app = await StartAsync();
        foreach (var host in new[] { "localhost", "127.0.0.1", "gateway.localhost", $"localhost:{app.Address.Port}" })
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, host)).Status);
        }
    }

    [Fact]
    public async Task A_foreign_host_gets_400_problem_json_on_every_endpoint_including_health()
    {
        await using var app = await StartAsync();
        foreach (var path in new[] { "/things", "/health", "/nope" })
        {
            var (status, contentType, body) = await SendAsync(app, host: "evil.example", path: path);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("application/problem+json", contentType);
            Assert.Contains("Security:AllowedHosts", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_foreign_origin_gets_403_and_same_origin_or_loopback_pages_pass()
    {
        await using var app = await StartAsync();
        var (status, contentType, _) = await SendAsync(app, origin: "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(app, origin: "null")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(app, origin: "file://")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, origin: "http://localhost:3000")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, origin: $"http://127.0.0.1:{app.Address.Port}")).Status);
    }

    [Fact]
    public async Task Listed_hosts_and_origins_pass_from_the_security_section_or_the_mcp_endpoint_lists()
    {
        await using var app = await StartAsync(new Dictionary<string, string?>
        {
            ["Security:AllowedHosts"] = "statesvc;gateway.internal",
            ["Security:AllowedOrigins:0"] = "https://app.example",
            ["Mcp:Endpoint:AllowedOrigins:0"] = "https://ide.example",
        });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, host: "statesvc")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, host: "gateway.internal")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(app, host: "other.internal")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, origin: "https://app.example")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, origin: "https://ide.example/")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(app, origin: "https://app.example.evil")).Status);
    }

    [Fact]
    public async Task A_wildcard_turns_the_checks_off_for_a_service_behind_a_trusted_ingress()
    {
        await using var app = await StartAsync(new Dictionary<string, string?>
        {
            ["Security:AllowedHosts"] = "*",
            ["Security:AllowedOrigins"] = "*",
        });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, host: "public.example", origin: "https://anything.example")).Status);
    }

    [Theory]
    [InlineData("Security:AllowedHosts:0", "https://statesvc")]
    [InlineData("Security:AllowedHosts:0", "statesvc/path")]
    [InlineData("Security:AllowedOrigins:0", "app.example")]
    [InlineData("Security:AllowedOrigins:0", "https://app.example/path")]
    public async Task A_malformed_entry_stops_start_up_naming_it(string key, string value)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }
}
