using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;

namespace McpAspire.ServiceDefaults.Tests;

/// <summary>
/// Aspire injects <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with <c>OTEL_EXPORTER_OTLP_PROTOCOL=grpc</c>: spans must reach a
/// gRPC receiver (HTTP/2 cleartext, a real Kestrel endpoint answering the OTLP trace service's Export method).
/// </summary>
public sealed class OtlpGrpcExportTests
{
    [Fact]
    public async Task Spans_reach_a_grpc_otlp_receiver_when_the_protocol_is_grpc()
    {
        var exports = new ConcurrentQueue<byte[]>();
        await using var receiver = await KestrelApp.StartAsync(
            b => b.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2)),
            app => app.MapPost("/opentelemetry.proto.collector.{service}/Export", async (HttpContext ctx) =>
            {
                using var ms = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(ms);
                var framed = ms.ToArray();
                if (ctx.Request.RouteValues["service"] as string == "trace.v1.TraceService" && framed.Length >= 5)
                {
                    exports.Enqueue(framed[5..]); // 1 byte compressed flag + 4 bytes length, then the message
                }
                ctx.Response.ContentType = "application/grpc";
                ctx.Response.DeclareTrailer("grpc-status");
                await ctx.Response.Body.WriteAsync(new byte[5]); // an empty Export*ServiceResponse
                ctx.Response.AppendTrailer("grpc-status", "0");
            }));

        var service = await KestrelApp.StartAsync(
            b => b.AddServiceDefaults(),
            app => app.MapGet("/orders/{id}", (string id) => $"order {id}"),
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
                ["OTEL_SERVICE_NAME"] = "orders",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            });
        using (var client = ExternalClient.Create(service.Address))
        {
            Assert.Equal("order 7", await client.GetStringAsync(new Uri("/orders/7", UriKind.Relative)));
        }
        await service.DisposeAsync(); // flushes

        var spans = exports.SelectMany(b => OtlpTraceDecoder.Decode(b)).ToList();
        var span = Assert.Single(spans, s => s.Attributes.GetValueOrDefault("url.path") == "/orders/7");
        Assert.Equal("GET /orders/{id}", span.Name);
    }
}
