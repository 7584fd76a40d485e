using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpAspire.ServiceDefaults.Tests;

/// <summary>
/// What a person reads in the dashboard: calls a background loop makes (here: an HTTP peer polled every few ms) start
/// no trace of their own, calls made for a request stay in its trace, and HttpClient's per-request Information lines
/// are off by default.
/// </summary>
public sealed class QuietTelemetryTests
{
    private sealed class PollingLoop(IHttpClientFactory factory) : BackgroundService
    {
        public int Answers;

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var client = factory.CreateClient("peer");
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await client.GetStringAsync(new Uri("http://peer/background-poll"), stoppingToken);
                    Interlocked.Increment(ref Answers);
                    await Task.Delay(20, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [Fact]
    public async Task Background_calls_make_no_root_trace_and_httpclient_request_lines_are_off()
    {
        var traces = new ConcurrentQueue<byte[]>();
        await using var receiver = await KestrelApp.StartAsync(null, app =>
            app.MapPost("/v1/{signal}", async (HttpContext ctx, string signal) =>
            {
                using var ms = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(ms);
                if (signal == "traces")
                {
                    traces.Enqueue(ms.ToArray());
                }
                return Results.Ok();
            }));
        await using var peer = await KestrelApp.StartAsync(null, app =>
        {
            app.MapGet("/{what}", (string what) => what);
            app.MapGet("/missing/{what}", () => Results.NotFound());
        });

        var logs = new CapturingLoggerProvider();
        var service = await KestrelApp.StartAsync(
            b =>
            {
                b.Logging.AddProvider(logs);
                b.AddServiceDefaults();
                b.Services.AddSingleton<PollingLoop>();
                b.Services.AddHostedService(sp => sp.GetRequiredService<PollingLoop>());
            },
            app =>
            {
                app.MapGet("/work", async (IHttpClientFactory factory) =>
                    await factory.CreateClient("peer").GetStringAsync(new Uri("http://peer/for-a-request")));
                // Two lookups answered 404: one the caller expects (marked), one it does not.
                app.MapGet("/lookups", async (IHttpClientFactory factory) =>
                {
                    var peerClient = factory.CreateClient("peer");
                    using var expected = new HttpRequestMessage(HttpMethod.Get, new Uri("http://peer/missing/expected-404"));
                    expected.Options.Set(new HttpRequestOptionsKey<bool>(McpAspire.ServiceDefaults.Telemetry.ExpectedOutcomes.NotFoundOptionName), true);
                    using var a = await peerClient.SendAsync(expected);
                    using var b = await peerClient.GetAsync(new Uri("http://peer/missing/unexpected-404"));
                    return $"{(int)a.StatusCode} {(int)b.StatusCode}";
                });
            },
            new Dictionary<string, string?>
            {
                ["services:peer:http:0"] = peer.Address.ToString(),
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            });
        var loop = service.App.Services.GetRequiredService<PollingLoop>();
        using (var client = ExternalClient.Create(service.Address))
        {
            Assert.Equal("for-a-request", await client.GetStringAsync(new Uri("/work", UriKind.Relative)));
        }
        using (var client = ExternalClient.Create(service.Address))
        {
            Assert.Equal("404 404", await client.GetStringAsync(new Uri("/lookups", UriKind.Relative)));
        }
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref loop.Answers) >= 5), "the background loop polled its peer");
        await service.DisposeAsync(); // flushes

        var spans = traces.SelectMany(b => OtlpTraceDecoder.Decode(b)).ToList();
        static bool Mentions(OtlpTraceDecoder.Span s, string text) => s.Attributes.Values.Any(v => v.Contains(text, StringComparison.Ordinal));
        // The request's own trace: its server span and the client call it made.
        Assert.Contains(spans, s => s.Name == "GET /work");
        Assert.Contains(spans, s => Mentions(s, "/for-a-request"));
        // The loop's calls (and the peer's server spans for them) are nowhere.
        Assert.DoesNotContain(spans, s => Mentions(s, "/background-poll"));
        // An expected 404 is not an error on its client span; an unexpected one is.
        var expectedSpan = Assert.Single(spans, s => s.Attributes.GetValueOrDefault("url.full")?.EndsWith("/missing/expected-404", StringComparison.Ordinal) == true);
        Assert.False(expectedSpan.Attributes.ContainsKey("error.type"));
        var unexpectedSpan = Assert.Single(spans, s => s.Attributes.GetValueOrDefault("url.full")?.EndsWith("/missing/unexpected-404", StringComparison.Ordinal) == true);
        Assert.Equal("404", unexpectedSpan.Attributes["error.type"]);
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Information System.Net.Http.HttpClient", StringComparison.Ordinal));
    }
}
