using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using McpAspire.ServiceDefaults.ServiceAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpAspire.ServiceDefaults.Tests;

/// <summary>Service-to-service keys over real Kestrel: the inbound check, and which hosts the outbound handler sends the key to.</summary>
public sealed class ServiceKeyTests
{
    private const string Key = "k3y-Of-The-AppHost-0123456789abcd";
    private const string OldKey = "previous-key-still-accepted-0001";

    private static Task<KestrelApp> StartProtectedAsync(IDictionary<string, string?> settings, CapturingLoggerProvider? logs = null) =>
        KestrelApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                if (logs is not null)
                {
                    b.Logging.AddProvider(logs);
                }
            },
            app =>
            {
                app.RequireServiceKey(o => o.JsonRpcPaths.Add("/mcp"));
                app.MapDefaultEndpoints();
                // Reports whether the key header was still visible to the endpoint (it must not be).
                app.MapGet("/data", (HttpContext c) => c.Request.Headers.ContainsKey(ServiceAuthDefaults.HeaderName) ? "header visible" : "ok");
                app.MapPost("/mcp", () => "mcp ok");
            },
            settings);

    private static HttpRequestMessage Get(string path, params string[] keys)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var k in keys)
        {
            request.Headers.TryAddWithoutValidation(ServiceAuthDefaults.HeaderName, k);
        }
        return request;
    }

    [Fact]
    public async Task Missing_or_wrong_key_gets_401_problem_json_and_the_right_or_previous_key_gets_through()
    {
        await using var service = await StartProtectedAsync(new Dictionary<string, string?>
        {
            ["ServiceAuth:Key"] = Key,
            ["ServiceAuth:PreviousKeys:0"] = OldKey,
        });
        using var http = new HttpClient { BaseAddress = service.Address };

        foreach (var keys in new[] { Array.Empty<string>(), ["wrong"], [Key + "x"], [Key[..^1]], [Key.ToUpperInvariant()], [Key, Key], [""] })
        {
            using var response = await http.SendAsync(Get("/data", keys));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("X-McpAspire-Service-Key", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
            Assert.DoesNotContain(Key, problem.RootElement.ToString(), StringComparison.Ordinal);
        }

        foreach (var key in new[] { Key, OldKey })
        {
            using var ok = await http.SendAsync(Get("/data", key));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            // Checked, then removed: handlers behind the check cannot log or forward it.
            Assert.Equal("ok", await ok.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Health_and_alive_stay_open_and_their_json_holds_no_key()
    {
        await using var service = await StartProtectedAsync(new Dictionary<string, string?> { ["ServiceAuth:Key"] = Key });
        using var http = new HttpClient { BaseAddress = service.Address };
        foreach (var path in new[] { "/health", "/alive" })
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Key, body, StringComparison.Ordinal);
            Assert.Equal("Healthy", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task A_json_rpc_path_rejects_with_a_json_rpc_error_body()
    {
        await using var service = await StartProtectedAsync(new Dictionary<string, string?> { ["ServiceAuth:Key"] = Key });
        using var http = new HttpClient { BaseAddress = service.Address };
        using var response = await http.PostAsync(new Uri("/mcp", UriKind.Relative),
            new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("2.0", body.RootElement.GetProperty("jsonrpc").GetString());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("id").ValueKind);
        Assert.Equal(-32000, body.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Without_a_key_the_service_stays_open_and_warns_once_at_start()
    {
        var logs = new CapturingLoggerProvider();
        await using var service = await StartProtectedAsync(new Dictionary<string, string?>(), logs);
        using var http = new HttpClient { BaseAddress = service.Address };
        Assert.Equal("ok", await http.GetStringAsync(new Uri("/data", UriKind.Relative)));
        Assert.Equal("ok", await http.GetStringAsync(new Uri("/data", UriKind.Relative)));
        Assert.Single(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("ServiceAuth:Key is not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Required_without_a_key_or_a_short_key_fails_start_up_without_echoing_the_key()
    {
        var missing = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartProtectedAsync(new Dictionary<string, string?> { ["ServiceAuth:Required"] = "true" }));
        Assert.Contains("ServiceAuth:Key is not set", missing.Message, StringComparison.Ordinal);

        var shortKey = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartProtectedAsync(new Dictionary<string, string?> { ["ServiceAuth:Key"] = "tiny-secret" }));
        Assert.Contains("shorter than 16", shortKey.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tiny-secret", shortKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verifier_accepts_only_exact_single_values()
    {
        var verifier = new ServiceKeyVerifier(Options.Create(new ServiceAuthOptions { Key = Key }));
        Assert.True(verifier.IsEnabled);
        Assert.True(verifier.IsValid(Key));
        Assert.False(verifier.IsValid(new Microsoft.Extensions.Primitives.StringValues([Key, Key])));
        Assert.False(verifier.IsValid(default));
        Assert.False(verifier.IsValid(new string('a', 100_000)));
        Assert.False(verifier.IsValid(" " + Key));
        Assert.False(new ServiceKeyVerifier(Options.Create(new ServiceAuthOptions())).IsEnabled);
    }

    [Fact]
    public async Task The_key_goes_to_service_discovered_peers_only_never_to_an_external_host()
    {
        var seen = new ConcurrentQueue<(string Server, string? Key)>();
        await using var peer = await KestrelApp.StartAsync(null, app => app.MapGet("/{**path}", (HttpContext c) =>
        {
            seen.Enqueue(("peer", c.Request.Headers[ServiceAuthDefaults.HeaderName].FirstOrDefault()));
            return "peer";
        }));
        await using var external = await KestrelApp.StartAsync(null, app => app.MapGet("/{**path}", (HttpContext c) =>
        {
            seen.Enqueue(("external", c.Request.Headers[ServiceAuthDefaults.HeaderName].FirstOrDefault()));
            return "external";
        }));
        await using var caller = await KestrelApp.StartAsync(b => b.AddServiceDefaults(), _ => { }, new Dictionary<string, string?>
        {
            ["ServiceAuth:Key"] = Key,
            ["services:peer:http:0"] = peer.Address.ToString(),
        });
        var factory = caller.App.Services.GetRequiredService<IHttpClientFactory>();
        using var http = factory.CreateClient("any");

        Assert.Equal("peer", await http.GetStringAsync(new Uri("http://peer/logical")));
        Assert.Equal("peer", await http.GetStringAsync(new Uri("https+http://peer/preferred")));
        Assert.Equal("peer", await http.GetStringAsync(new Uri(peer.Address, "/concrete")));
        Assert.Equal("external", await http.GetStringAsync(new Uri(external.Address, "/third-party")));
        // Even a header set by hand (e.g. copied from configuration) is removed before it leaves for another host.
        using (var smuggled = new HttpRequestMessage(HttpMethod.Get, new Uri(external.Address, "/smuggled")))
        {
            smuggled.Headers.TryAddWithoutValidation(ServiceAuthDefaults.HeaderName, Key);
            (await http.SendAsync(smuggled)).EnsureSuccessStatusCode();
        }
        // A client made outside the factory (the gateway's downstream client) gets the same policy through Wrap.
        var outbound = caller.App.Services.GetRequiredService<ServiceKeyOutbound>();
        using (var raw = new HttpClient(outbound.Wrap(new SocketsHttpHandler())))
        {
            Assert.Equal("peer", await raw.GetStringAsync(new Uri(peer.Address, "/raw")));
            Assert.Equal("external", await raw.GetStringAsync(new Uri(external.Address, "/raw")));
        }

        var all = seen.ToList();
        Assert.Equal(4, all.Count(s => s.Server == "peer"));
        Assert.All(all.Where(s => s.Server == "peer"), s => Assert.Equal(Key, s.Key));
        Assert.Equal(3, all.Count(s => s.Server == "external"));
        Assert.All(all.Where(s => s.Server == "external"), s => Assert.Null(s.Key));
    }

    [Fact]
    public void Only_logical_names_of_configured_services_and_their_exact_endpoints_are_targets()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:statesvc:http:0"] = "http://localhost:5100",
            ["services:toolhost:https"] = "https://127.0.0.1:5200",
        }).Build();
        var outbound = new ServiceKeyOutbound(Options.Create(new ServiceAuthOptions { Key = Key }), config);
        Assert.True(outbound.IsServiceTarget(new Uri("http://statesvc/sessions")));
        Assert.True(outbound.IsServiceTarget(new Uri("https+http://toolhost/mcp")));
        Assert.True(outbound.IsServiceTarget(new Uri("http://_http.statesvc/x")));
        Assert.True(outbound.IsServiceTarget(new Uri("http://LOCALHOST:5100/sessions")));
        Assert.True(outbound.IsServiceTarget(new Uri("https://127.0.0.1:5200/mcp")));
        Assert.False(outbound.IsServiceTarget(new Uri("http://unknownsvc/x")));
        Assert.False(outbound.IsServiceTarget(new Uri("http://localhost:5101/sessions")));
        Assert.False(outbound.IsServiceTarget(new Uri("http://127.0.0.1:5200/mcp")));
        Assert.False(outbound.IsServiceTarget(new Uri("https://mcp.example.com/mcp")));
    }
}
