using McpAspire.ServiceDefaults.ServiceDiscovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace McpAspire.ServiceDefaults.Tests;

public sealed class ServiceDiscoveryTests
{
    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddServiceDefaults();
        // The host is kept alive by the resolver's services for the test's duration.
        return builder.Build().Services.GetRequiredService<ServiceEndpointResolver>();
    }

    [Fact]
    public void Plain_http_name_resolves_to_the_indexed_http_endpoint_keeping_path_and_query()
    {
        var resolver = Resolver(("services:statesvc:http:0", "http://127.0.0.1:5123"));
        Assert.Equal(new Uri("http://127.0.0.1:5123/sessions/abc?x=1"), resolver.Resolve(new Uri("http://statesvc/sessions/abc?x=1")));
    }

    [Fact]
    public void Https_plus_http_prefers_https_and_falls_back_to_http()
    {
        var both = Resolver(("services:api:http:0", "http://127.0.0.1:1"), ("services:api:https:0", "https://127.0.0.1:2"));
        Assert.Equal(new Uri("https://127.0.0.1:2/"), both.Resolve(new Uri("https+http://api/")));

        var httpOnly = Resolver(("services:api:http:0", "http://127.0.0.1:1"));
        Assert.Equal(new Uri("http://127.0.0.1:1/"), httpOnly.Resolve(new Uri("https+http://api/")));
    }

    [Fact]
    public void Named_endpoint_form_and_single_value_form_both_resolve()
    {
        var resolver = Resolver(("services:api:admin:0", "http://127.0.0.1:9000"), ("services:cache:http", "http://127.0.0.1:9001"));
        Assert.Equal(new Uri("http://127.0.0.1:9000/x"), resolver.Resolve(new Uri("http://_admin.api/x")));
        Assert.Equal(new Uri("http://127.0.0.1:9001/"), resolver.Resolve(new Uri("http://cache/")));
    }

    [Fact]
    public void Several_instances_are_used_round_robin()
    {
        var resolver = Resolver(("services:gw:http:0", "http://127.0.0.1:1"), ("services:gw:http:1", "http://127.0.0.1:2"));
        var ports = Enumerable.Range(0, 4).Select(_ => resolver.Resolve(new Uri("http://gw/")).Port).ToArray();
        Assert.Equal([1, 2, 1, 2], ports);
    }

    [Fact]
    public void Unknown_name_fails_naming_the_configuration_keys_it_looked_for()
    {
        var resolver = Resolver(("services:other:http:0", "http://127.0.0.1:1"));
        var ex = Assert.Throws<ServiceDiscoveryException>(() => resolver.Resolve(new Uri("https+http://missing/")));
        Assert.Contains("'services:missing:https'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'services:missing:http'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("services__missing__http__0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5000/", false)]
    [InlineData("http://127.0.0.1:5000/", false)]
    [InlineData("http://example.com/", false)]
    [InlineData("http://statesvc/", true)]
    [InlineData("https+http://statesvc/", true)]
    [InlineData("http://_grpc.statesvc/", true)]
    public void Only_logical_names_are_rewritten(string uri, bool logical) =>
        Assert.Equal(logical, ServiceEndpointResolver.IsLogicalServiceUri(new Uri(uri)));

    [Fact]
    public async Task Factory_clients_reach_a_real_service_by_its_logical_name()
    {
        await using var backend = await KestrelApp.StartAsync(null, app => app.MapGet("/ping", () => "pong"));

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:backend:http:0"] = backend.Address.ToString(),
        });
        builder.AddServiceDefaults();
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        Assert.Equal("pong", await client.GetStringAsync(new Uri("https+http://backend/ping")));
        // An unconfigured name is handed to DNS by the package's pass-through provider, which finds nothing.
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri("http://nobody/ping")));
    }
}
