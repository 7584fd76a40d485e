using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpAspire.Gateway;
using McpAspire.Gateway.Security;
using McpAspire.TestSupport;
using McpAspire.ToolHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>gateway-auth</c>: what inbound authentication costs. Stateless (2026-07-28) <c>tools/list</c> answered from the
/// gateway's catalog (no downstream round trip, so the auth work is a visible share), 64 concurrent callers, in one
/// run and on one gateway: anonymous (baseline), an API key (<c>X-Api-Key</c>, SHA-256 + constant-time compare), and an
/// RS256 JWT (signature, issuer, audience, lifetime; keys from a local JWKS). One access rule is configured so the list
/// filters run in every case.
/// </summary>
public sealed class GatewayAuthScenario : IScenario
{
    private const string Name_ = "gateway-auth";
    private const int Callers = 64;
    private const string Key = "mcpk_bench-key-0123456789abcdefghijklmnopqrstuvwxyz";
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    public string Name => Name_;

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var duration = TimeSpan.FromSeconds(seconds);
        using var rsa = RSA.Create(2048);
        var signingKey = new RsaSecurityKey(rsa) { KeyId = "bench" };
        var p = rsa.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new Dictionary<string, string>
        {
            ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = "bench",
            ["n"] = WebEncoders.Base64UrlEncode(p.Modulus!), ["e"] = WebEncoders.Base64UrlEncode(p.Exponent!),
        } } });
        await using var issuer = await KestrelApp.StartAsync(null, app => app.MapGet("/jwks", () => Results.Text(jwks, "application/json")));
        var issuerId = issuer.Address.ToString().TrimEnd('/');

        var toolHost = ToolHostApp.Build(["--urls", "http://127.0.0.1:0"], b => b.Logging.ClearProviders());
        await toolHost.StartAsync(cancellationToken);
        var gateway = GatewayApp.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gateway:Servers:toolhost:Url"] = new Uri(BenchApps.BaseAddress(toolHost), "mcp").ToString(),
                ["Gateway:PrefixMode"] = "Never",
                ["Gateway:Auth:AllowAnonymous"] = "true",
                ["Gateway:Auth:Resource"] = "http://bench.local/mcp",
                ["Gateway:Auth:Jwt:Issuer"] = issuerId,
                ["Gateway:Auth:Jwt:JwksUri"] = issuerId + "/jwks",
                ["Gateway:Auth:ApiKeys:0:Name"] = "bench",
                ["Gateway:Auth:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(Key),
                ["Gateway:Auth:ApiKeys:0:Scopes:0"] = "mcp:admin",
                ["Gateway:Auth:Rules:0:Effect"] = "Deny",
                ["Gateway:Auth:Rules:0:Tools:0"] = "nothing_*",
            });
        });
        await gateway.StartAsync(cancellationToken);
        long errors = 0;
        try
        {
            var mcp = new Uri(BenchApps.BaseAddress(gateway), "mcp");
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuerId,
                Audience = "http://bench.local/mcp",
                Expires = DateTime.UtcNow.AddHours(1),
                Claims = new Dictionary<string, object> { ["sub"] = "bench", ["scope"] = "mcp:tools" },
                SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.RsaSha256),
            });
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Callers, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler);
            await WaitForCatalogAsync(http, mcp, cancellationToken);
            var list = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"}}}}""");

            Task RunAnonymous(int _, CancellationToken ct) => SendAsync(http, mcp, list, null, ct);
            Task RunApiKey(int _, CancellationToken ct) => SendAsync(http, mcp, list, ("X-Api-Key", Key), ct);
            Task RunJwt(int _, CancellationToken ct) => SendAsync(http, mcp, list, ("Authorization", "Bearer " + token), ct);
            // The three modes alternate over two rounds (each run warmed by LoadLoop) and each keeps its better round,
            // so neither order nor a drift in machine load favours a mode.
            var measured = await LoadLoop.AlternateAsync(Callers, duration, 2, [RunAnonymous, RunApiKey, RunJwt], cancellationToken);
            var (anonymous, apiKey, jwt) = (measured[0].Best, measured[1].Best, measured[2].Best);
            var roundErrors = measured.Sum(m => m.Errors);

            BenchResult.Report(Name_, "tools_list_api_key_per_s", apiKey.PerSecond, "lists/s", anonymous.PerSecond);
            BenchResult.Report(Name_, "tools_list_jwt_per_s", jwt.PerSecond, "lists/s", anonymous.PerSecond);
            BenchResult.Report(Name_, "tools_list_anonymous_per_s", anonymous.PerSecond, "lists/s");
            BenchResult.Report(Name_, "tools_list_api_key_p50", apiKey.P50Ms, "ms", anonymous.P50Ms);
            BenchResult.Report(Name_, "tools_list_jwt_p50", jwt.P50Ms, "ms", anonymous.P50Ms);
            BenchResult.Report(Name_, "tools_list_jwt_p99", jwt.P99Ms, "ms", anonymous.P99Ms);
            errors = roundErrors;
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
            await gateway.DisposeAsync();
            await toolHost.StopAsync(CancellationToken.None);
            await toolHost.DisposeAsync();
        }
        BenchResult.ReportFooter(Name_, errors);
        return 0;
    }


    private static async Task SendAsync(HttpClient http, Uri uri, byte[] body, (string Name, string Value)? credential, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = s_json;
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2026-07-28");
        request.Headers.TryAddWithoutValidation("Mcp-Method", "tools/list");
        if (credential is { } c)
        {
            request.Headers.TryAddWithoutValidation(c.Name, c.Value);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || !text.Contains("\"echo\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"tools/list answered {(int)response.StatusCode}: {text}");
        }
    }

    private static async Task WaitForCatalogAsync(HttpClient http, Uri mcp, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var list = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"}}}}""");
        while (true)
        {
            try
            {
                await SendAsync(http, mcp, list, ("X-Api-Key", Key), ct);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
        }
    }
}
