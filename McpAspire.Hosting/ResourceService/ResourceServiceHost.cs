using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpAspire.Hosting.Logging;
using McpAspire.Hosting.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.Hosting.ResourceService;

/// <summary>
/// The AppHost's "resource service" the dashboard reads (the role of Aspire's gRPC DashboardService, here HTTP+JSON
/// on a random loopback port, every request carrying <c>x-resource-service-key</c>):
/// <c>GET /resources</c>, <c>GET /resources/watch</c> (SSE event <c>resources</c> with the full array on each change),
/// <c>GET /resources/{name}/logs</c> (SSE: buffered lines, then live), <c>POST /resources/{name}/commands/{restart|stop|start}</c>.
/// </summary>
internal sealed class ResourceServiceHost : IAsyncDisposable
{
    /// <summary>The header carrying the key.</summary>
    public const string ApiKeyHeader = "x-resource-service-key";

    private readonly WebApplication _app;

    private ResourceServiceHost(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Base URL (<c>http://127.0.0.1:port</c>).</summary>
    public Uri Url { get; }

    public static async Task<ResourceServiceHost> StartAsync(ResourceNotificationService notifications, ResourceLoggerService logs, string apiKey,
        Func<string, string, Task<bool>> executeCommand, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var expectedKey = Encoding.UTF8.GetBytes(apiKey);

        app.Use(async (context, next) =>
        {
            var given = Encoding.UTF8.GetBytes(context.Request.Headers[ApiKeyHeader].ToString());
            if (!CryptographicOperations.FixedTimeEquals(given, expectedKey))
            {
                await Problem(context, StatusCodes.Status401Unauthorized, "Missing or wrong resource service key", $"Send the key from ResourceService__ApiKey in the '{ApiKeyHeader}' header.").ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        });
        app.UseRouting();

        app.MapGet("/resources", context => WriteJsonAsync(context, w => ResourceJson.WriteResources(w, notifications.Snapshots)));

        app.MapGet("/resources/watch", async context =>
        {
            StartEventStream(context);
            var ct = context.RequestAborted;
            try
            {
                // The current array at once, then the full array again after every change (the watch replays the
                // current snapshots first; those are already in the first event).
                await WriteEventAsync(context, "resources", w => ResourceJson.WriteResources(w, notifications.Snapshots), ct).ConfigureAwait(false);
                var replayed = notifications.ResourceNames.Count;
                await foreach (var _ in notifications.WatchAsync(ct).ConfigureAwait(false))
                {
                    if (replayed > 0)
                    {
                        replayed--;
                        continue;
                    }
                    await WriteEventAsync(context, "resources", w => ResourceJson.WriteResources(w, notifications.Snapshots), ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        app.MapGet("/resources/{name}/logs", async context =>
        {
            var name = (string)context.GetRouteValue("name")!;
            if (!notifications.ResourceNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                await Problem(context, StatusCodes.Status404NotFound, "Unknown resource", $"No resource named '{name}'. Known: {string.Join(", ", notifications.ResourceNames)}.").ConfigureAwait(false);
                return;
            }
            StartEventStream(context);
            var ct = context.RequestAborted;
            try
            {
                await foreach (var line in logs.GetBuffer(name).WatchAsync(ct).ConfigureAwait(false))
                {
                    await WriteEventAsync(context, null, w => ResourceJson.WriteLog(w, line), ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        app.MapPost("/resources/{name}/commands/{command}", async context =>
        {
            var name = (string)context.GetRouteValue("name")!;
            var command = (string)context.GetRouteValue("command")!;
            if (!notifications.ResourceNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                await Problem(context, StatusCodes.Status404NotFound, "Unknown resource", $"No resource named '{name}'. Known: {string.Join(", ", notifications.ResourceNames)}.").ConfigureAwait(false);
                return;
            }
            if (command is not ("restart" or "stop" or "start"))
            {
                await Problem(context, StatusCodes.Status400BadRequest, "Unknown command", $"Command '{command}' is not one of restart, stop, start.").ConfigureAwait(false);
                return;
            }
            // Accepted now, carried out in the background: a graceful stop can take seconds.
            _ = Task.Run(async () => await executeCommand(name, command).ConfigureAwait(false));
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        });

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ResourceServiceHost(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    private static void StartEventStream(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
    }

    private static async Task WriteEventAsync(HttpContext context, string? eventName, Action<Utf8JsonWriter> write, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }
        var body = context.Response.Body;
        if (eventName is not null)
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes($"event: {eventName}\n"), ct).ConfigureAwait(false);
        }
        await body.WriteAsync("data: "u8.ToArray(), ct).ConfigureAwait(false);
        await body.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
        await body.WriteAsync("\n\n"u8.ToArray(), ct).ConfigureAwait(false);
        await body.FlushAsync(ct).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.ContentType = "application/json";
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task Problem(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("title", title);
            w.WriteNumber("status", status);
            w.WriteString("detail", detail);
            w.WriteEndObject();
        }
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
