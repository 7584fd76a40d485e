using System.Net;
using McpAspire.Mcp.Tests.Infrastructure;

namespace McpAspire.Mcp.Tests;

/// <summary>DNS-rebinding protection: Host and Origin must be loopback or allow-listed.</summary>
public sealed class OriginTests
{
    private static HttpRequestMessage Initialize(Uri uri, string? origin = null, string? host = null)
    {
        var request = RawMcp.Post(uri, RawMcp.InitializeBody);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (host is not null)
        {
            request.Headers.Host = host;
        }
        return request;
    }

    [Theory]
    [InlineData("http://evil.example.com")]
    [InlineData("https://localhost.evil.example.com")]
    [InlineData("null")]
    [InlineData("http://127.0.0.2:8080")]
    public async Task Foreign_origin_is_rejected_with_403_and_creates_no_session(string origin)
    {
        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        var response = await RawMcp.SendAsync(http, Initialize(server.McpUri, origin));
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal(-32000, response.ErrorCode);
        Assert.Null(response.SessionId);
    }

    [Theory]
    [InlineData("http://localhost:6274")]
    [InlineData("http://127.0.0.1:3000")]
    [InlineData("http://[::1]:3000")]
    public async Task Loopback_origin_is_accepted(string origin)
    {
        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        var response = await RawMcp.SendAsync(http, Initialize(server.McpUri, origin));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.NotNull(response.SessionId);
    }

    [Fact]
    public async Task Allow_lists_admit_configured_origins_and_hosts_only()
    {
        await using var server = await McpTestServer.StartAsync(o =>
        {
            o.AllowedOrigins.Add("https://app.example.com");
            o.AllowedHosts.Add("mcp.internal");
        });
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await RawMcp.SendAsync(http, Initialize(server.McpUri, "https://app.example.com"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await RawMcp.SendAsync(http, Initialize(server.McpUri, "https://other.example.com"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await RawMcp.SendAsync(http, Initialize(server.McpUri, host: "mcp.internal"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await RawMcp.SendAsync(http, Initialize(server.McpUri, host: "evil.example.com"))).Status);
    }
}
