using System.Collections.Concurrent;
using System.Net.Http.Headers;
using McpAspire.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace McpAspire.Gateway.Tests.Security;

/// <summary>
/// An authenticated gateway: JWTs of a real test issuer (keys from its OIDC metadata), four API keys, a required scope,
/// and access rules, in front of two real tool hosts over Streamable HTTP — <c>toolhost</c> (default profile, records
/// the credentials it receives; the gateway sends it its own configured Authorization header) and <c>conf</c>
/// (conformance profile; API keys other than the admin's never reach it).
/// </summary>
public sealed class AuthGatewayFixture : IAsyncLifetime
{
    public const string CiKey = "mcpk_ci-key-for-the-auth-tests-0123456789";
    public const string AdminKey = "mcpk_admin-key-for-the-auth-tests-0123456789";
    public const string RevokedKey = "mcpk_revoked-key-for-the-auth-tests-0123456789";
    public const string NoScopeKey = "mcpk_noscope-key-for-the-auth-tests-0123456789";
    public const string DownstreamCredential = "Bearer downstream-credential-of-the-gateway";

    internal TestIssuer Issuer { get; private set; } = null!;

    internal RunningApp ToolHost { get; private set; } = null!;

    internal RunningApp Conf { get; private set; } = null!;

    internal RunningApp Gateway { get; private set; } = null!;

    /// <summary>Every Authorization / X-Api-Key value the <c>toolhost</c> downstream received.</summary>
    public ConcurrentQueue<string> DownstreamCredentials { get; } = new();

    /// <summary>The audience tokens must carry: the gateway's resource URI, derived from the request.</summary>
    public string Audience => Gateway.McpUri.ToString();

    public async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        ToolHost = await RunningApp.ToolHostAsync(configure: b => b.Services.AddSingleton<IStartupFilter>(new CredentialRecorder(DownstreamCredentials)));
        Conf = await RunningApp.ToolHostAsync(settings: new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });
        var settings = Downstreams.Merge(Downstreams.Http("toolhost", ToolHost.McpUri), Downstreams.Http("conf", Conf.McpUri), Settings(Issuer));
        settings["Gateway:PrefixMode"] = "Always";
        settings["Gateway:Servers:toolhost:Headers:Authorization"] = DownstreamCredential;
        Gateway = await RunningApp.GatewayAsync(settings);
        Gateway.Http.DefaultRequestHeaders.Add(GatewayAuthenticationHandler.ApiKeyHeader, AdminKey);
        foreach (var server in new[] { "toolhost", "conf" })
        {
            await Eventually.HoldsAsync(async () => await Gateway.DownstreamStatusAsync(server) == "connected", $"{server} connected", 60);
        }
    }

    /// <summary>The Gateway:Auth settings of the fixture.</summary>
    internal static Dictionary<string, string?> Settings(TestIssuer issuer)
    {
        var s = new Dictionary<string, string?>
        {
            ["Gateway:Auth:Jwt:Issuer"] = issuer.Issuer,
            ["Gateway:Auth:Jwt:MetadataAddress"] = issuer.MetadataAddress,
            ["Gateway:Auth:RequiredScopes:0"] = "mcp:tools",
            ["Gateway:Auth:ApiKeys:0:Name"] = "ci",
            ["Gateway:Auth:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(CiKey),
            ["Gateway:Auth:ApiKeys:0:Scopes:0"] = "mcp:tools",
            ["Gateway:Auth:ApiKeys:1:Name"] = "admin",
            ["Gateway:Auth:ApiKeys:1:Hash"] = "sha256:" + ApiKeyHasher.Hash(AdminKey).ToUpperInvariant(),
            ["Gateway:Auth:ApiKeys:1:Scopes:0"] = "mcp:tools",
            ["Gateway:Auth:ApiKeys:1:Scopes:1"] = "mcp:admin",
            ["Gateway:Auth:ApiKeys:2:Name"] = "old",
            ["Gateway:Auth:ApiKeys:2:Hash"] = ApiKeyHasher.Hash(RevokedKey),
            ["Gateway:Auth:ApiKeys:2:Scopes:0"] = "mcp:tools",
            ["Gateway:Auth:ApiKeys:2:Revoked"] = "true",
            ["Gateway:Auth:ApiKeys:3:Name"] = "noscope",
            ["Gateway:Auth:ApiKeys:3:Hash"] = ApiKeyHasher.Hash(NoScopeKey),
            // First match wins: admins see everything; API keys never reach conf; role media may use image tools;
            // nobody else may use image/audio tools, the image prompt, the binary resource or the template resources.
            ["Gateway:Auth:Rules:0:Effect"] = "Allow",
            ["Gateway:Auth:Rules:0:Scopes:0"] = "mcp:admin",
            ["Gateway:Auth:Rules:1:Effect"] = "Deny",
            ["Gateway:Auth:Rules:1:Principals:0"] = "key:*",
            ["Gateway:Auth:Rules:1:Servers:0"] = "conf",
            ["Gateway:Auth:Rules:2:Effect"] = "Allow",
            ["Gateway:Auth:Rules:2:Roles:0"] = "media",
            ["Gateway:Auth:Rules:2:Tools:0"] = "*image*",
            ["Gateway:Auth:Rules:3:Effect"] = "Deny",
            ["Gateway:Auth:Rules:3:Tools:0"] = "*image*",
            ["Gateway:Auth:Rules:3:Tools:1"] = "test_audio_content",
            ["Gateway:Auth:Rules:3:Prompts:0"] = "test_prompt_with_image",
            ["Gateway:Auth:Rules:3:Resources:0"] = "test://static-binary",
            ["Gateway:Auth:Rules:3:Resources:1"] = "test://template/*",
        };
        return s;
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Conf.DisposeAsync();
        await ToolHost.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    /// <summary>A user's token: scope mcp:tools, optional roles.</summary>
    public string UserToken(string subject, params string[] roles) =>
        Issuer.Mint(subject, Audience, "mcp:tools", roles.Length == 0 ? null : roles);

    /// <summary>A C# SDK client with <paramref name="headers"/>; <paramref name="protocolVersion"/> null = 2026-07-28.</summary>
    public async Task<McpClient> ConnectAsync(string? protocolVersion, Dictionary<string, string> headers)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Gateway.McpUri,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion });
    }

    public static Dictionary<string, string> Bearer(string token) => new() { ["Authorization"] = "Bearer " + token };

    /// <summary>An HTTP client without default credentials.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public static HttpRequestMessage WithBearer(HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private sealed class CredentialRecorder(ConcurrentQueue<string> seen) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                foreach (var header in new[] { "Authorization", "X-Api-Key" })
                {
                    foreach (var value in context.Request.Headers[header])
                    {
                        seen.Enqueue($"{header}: {value}");
                    }
                }
                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
