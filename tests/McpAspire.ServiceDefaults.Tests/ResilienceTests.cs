using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace McpAspire.ServiceDefaults.Tests;

public sealed class ResilienceTests
{
    /// <summary>A real endpoint that answers 503 for its first <c>failures</c> requests, then 200.</summary>
    private sealed class FlakyEndpoint
    {
        private int _count;
        public int Failures { get; init; }
        public int Count => Volatile.Read(ref _count);

        public IResult Handle() =>
            Interlocked.Increment(ref _count) <= Failures ? Results.StatusCode(503) : Results.Text("ok");
    }

    private static IHost ClientHost(Uri backend, int maxRetries = 3)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:flaky:http:0"] = backend.ToString(),
            ["Resilience:Http:Retry:MaxRetryAttempts"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Resilience:Http:Retry:Delay"] = "00:00:00.010",
        });
        builder.AddServiceDefaults();
        return builder.Build();
    }

    [Fact]
    public async Task Idempotent_request_is_retried_until_the_endpoint_recovers()
    {
        var flaky = new FlakyEndpoint { Failures = 2 };
        await using var backend = await KestrelApp.StartAsync(null, app => app.MapGet("/data", flaky.Handle));
        using var host = ClientHost(backend.Address);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("flaky");

        using var response = await client.GetAsync(new Uri("http://flaky/data"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, flaky.Count); // two failures + the success
    }

    [Fact]
    public async Task Retries_stop_at_the_configured_maximum()
    {
        var flaky = new FlakyEndpoint { Failures = 100 };
        await using var backend = await KestrelApp.StartAsync(null, app => app.MapGet("/data", flaky.Handle));
        using var host = ClientHost(backend.Address, maxRetries: 2);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("flaky");

        using var response = await client.GetAsync(new Uri("http://flaky/data"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, flaky.Count); // first attempt + 2 retries
    }

    [Fact]
    public async Task Non_idempotent_request_is_not_retried()
    {
        var flaky = new FlakyEndpoint { Failures = 1 };
        await using var backend = await KestrelApp.StartAsync(null, app => app.MapPost("/data", flaky.Handle));
        using var host = ClientHost(backend.Address);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("flaky");

        using var response = await client.PostAsync(new Uri("http://flaky/data"), new StringContent("x"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, flaky.Count);
    }

    [Fact]
    public async Task Connection_failures_are_retried_then_surface_as_the_original_exception()
    {
        // A port that was free a moment ago: nothing listens there.
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var host = ClientHost(new Uri($"http://127.0.0.1:{port}/"), maxRetries: 1);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("flaky");

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://flaky/data")));
    }

    [Fact]
    public async Task Invalid_options_fail_validation_before_any_request_is_sent()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:flaky:http:0"] = "http://127.0.0.1:1/",
            ["Resilience:Http:AttemptTimeout:Timeout"] = "00:01:00",
            ["Resilience:Http:TotalRequestTimeout:Timeout"] = "00:00:10",
        });
        builder.AddServiceDefaults();
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("flaky").GetAsync(new Uri("http://flaky/data")));
        Assert.Contains("timeout", ex.Message, StringComparison.OrdinalIgnoreCase);
    }
}
