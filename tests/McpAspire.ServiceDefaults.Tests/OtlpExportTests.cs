using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace McpAspire.ServiceDefaults.Tests;

public sealed class OtlpExportTests
{
    [Fact]
    public async Task Server_span_with_route_reaches_a_real_otlp_receiver_and_health_probes_do_not()
    {
        var bodies = new ConcurrentQueue<(string Path, string ContentType, byte[] Body)>();
        await using var receiver = await KestrelApp.StartAsync(null, app =>
            app.MapPost("/v1/{signal}", async (HttpContext ctx) =>
            {
                using var ms = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(ms);
                bodies.Enqueue((ctx.Request.Path, ctx.Request.ContentType ?? "", ms.ToArray()));
                return Results.Ok();
            }));

        var service = await KestrelApp.StartAsync(
            b => b.AddServiceDefaults(),
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGet("/items/{id}", (string id) => $"item {id}");
            },
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = "catalog",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            });
        using (var client = ExternalClient.Create(service.Address))
        {
            Assert.Equal("item 42", await client.GetStringAsync(new Uri("/items/42", UriKind.Relative)));
            await client.GetStringAsync(new Uri("/health", UriKind.Relative));
            await client.GetStringAsync(new Uri("/alive", UriKind.Relative));
        }
        // Stopping the host disposes the providers, which must flush the last batch.
        await service.DisposeAsync();

        var traceBodies = bodies.Where(b => b.Path == "/v1/traces").ToList();
        Assert.NotEmpty(traceBodies);
        Assert.All(traceBodies, b => Assert.Equal("application/x-protobuf", b.ContentType));
        var spans = traceBodies.SelectMany(b => OtlpTraceDecoder.Decode(b.Body)).ToList();

        var span = Assert.Single(spans, s => s.Attributes.GetValueOrDefault("url.path") == "/items/42");
        Assert.Equal("GET /items/{id}", span.Name);
        Assert.Equal("/items/{id}", span.Attributes["http.route"]);
        Assert.Equal("200", span.Attributes["http.response.status_code"]);
        Assert.Equal("GET", span.Attributes["http.request.method"]);
        Assert.DoesNotContain(spans, s => s.Name.Contains("health", StringComparison.OrdinalIgnoreCase)
            || s.Attributes.GetValueOrDefault("url.path") is "/health" or "/alive");
    }
}
