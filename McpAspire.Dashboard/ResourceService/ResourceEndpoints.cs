using System.Net;
using McpAspire.Dashboard.Api;

namespace McpAspire.Dashboard.ResourceService;

/// <summary>
/// The dashboard backend's side of the resource service: the pages never talk to the AppHost directly (it needs
/// a key they must not see), they call these endpoints, which relay to it.
/// </summary>
public static partial class ResourceEndpoints
{
    /// <summary>Header a page must send with a command (a cross-site form cannot set it, so it guards against CSRF).</summary>
    public const string CommandRequestHeader = "x-dashboard-request";

    private static readonly HashSet<string> s_commands = new(StringComparer.Ordinal) { "restart", "stop", "start" };

    /// <summary>Maps <c>/api/resources...</c>.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api/resources");
        api.MapGet("", (HttpContext context, ResourceServiceClient client, IHostApplicationLifetime lifetime) =>
            RelayAsync(context, client, lifetime, "resources", eventStream: false));
        api.MapGet("/watch", (HttpContext context, ResourceServiceClient client, IHostApplicationLifetime lifetime) =>
            RelayAsync(context, client, lifetime, "resources/watch", eventStream: true));
        api.MapGet("/{name}/logs", (string name, HttpContext context, ResourceServiceClient client, IHostApplicationLifetime lifetime) =>
            RelayAsync(context, client, lifetime, $"resources/{Uri.EscapeDataString(name)}/logs", eventStream: true));
        api.MapPost("/{name}/commands/{command}", ExecuteAsync).DisableAntiforgery();
    }

    private static async Task<IResult> ExecuteAsync(string name, string command, HttpContext context, ResourceServiceClient client, ILoggerFactory loggers)
    {
        if (!s_commands.Contains(command))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown command",
                detail: $"'{command}' is not a resource command; use restart, stop or start.");
        }
        if (!context.Request.Headers.ContainsKey(CommandRequestHeader))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Missing request header",
                detail: $"Commands must be sent by the dashboard page (header '{CommandRequestHeader}').");
        }
        if (!client.IsConfigured)
        {
            return NotConfigured();
        }
        try
        {
            var status = await client.ExecuteCommandAsync(name, command, context.RequestAborted).ConfigureAwait(false);
            LogCommand(loggers.CreateLogger(typeof(ResourceEndpoints)), command, name, (int)status);
            return status switch
            {
                HttpStatusCode.Accepted or HttpStatusCode.OK or HttpStatusCode.NoContent => Results.Json(
                    new CommandResult(name, command, true), DashboardJsonContext.Default.CommandResult, statusCode: StatusCodes.Status202Accepted),
                HttpStatusCode.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Resource not found",
                    detail: $"The resource service knows no resource '{name}'."),
                _ => Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Command failed",
                    detail: $"The resource service answered {(int)status} to '{command}' on '{name}'."),
            };
        }
        catch (HttpRequestException ex)
        {
            return Unreachable(ex);
        }
    }

    /// <summary>Relays a resource service response; event streams are copied through as they arrive.</summary>
    private static async Task<IResult> RelayAsync(HttpContext context, ResourceServiceClient client, IHostApplicationLifetime lifetime, string path, bool eventStream)
    {
        if (!client.IsConfigured)
        {
            return NotConfigured();
        }
        // Streams end with the page or with the dashboard, so a shutdown is not held up by open pages.
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var token = streaming.Token;
        // Headers (and a whole non-streaming answer) must come within the timeout; a stream may then stay open.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(client.RequestTimeout);
        HttpResponseMessage upstream;
        try
        {
            upstream = await client.SendAsync(HttpMethod.Get, path, deadline.Token, eventStream).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return Unreachable(ex);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (OperationCanceledException)
        {
            return TimedOut(client, path);
        }
        using (upstream)
        {
            if (upstream.StatusCode == HttpStatusCode.NotFound)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Resource not found",
                    detail: $"The resource service has nothing at '{path}'.");
            }
            if (!upstream.IsSuccessStatusCode)
            {
                return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Resource service error",
                    detail: $"The resource service answered {(int)upstream.StatusCode} for '{path}'.");
            }
            if (!eventStream)
            {
                string json;
                try
                {
                    json = await upstream.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    return TimedOut(client, path);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Resource service unreachable", detail: ex.Message);
                }
                return Results.Text(json, "application/json");
            }
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            try
            {
                await using var body = await upstream.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                await response.StartAsync(token).ConfigureAwait(false);
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = await body.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
                {
                    await response.Body.WriteAsync(buffer.AsMemory(0, read), token).ConfigureAwait(false);
                    await response.Body.FlushAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The page went away.
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                // The AppHost went away mid-stream; the page's EventSource reconnects.
            }
            return Results.Empty;
        }
    }

    private static IResult TimedOut(ResourceServiceClient client, string path) => Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout,
        title: "Resource service timed out", detail: $"The resource service did not answer '{path}' within {client.RequestTimeout.TotalSeconds:0.#} s.");

    private static IResult NotConfigured() => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "No resource service", detail: "The dashboard runs without a resource service (ResourceService__Url is not set); only telemetry is shown.");

    private static IResult Unreachable(HttpRequestException ex) => Results.Problem(statusCode: StatusCodes.Status502BadGateway,
        title: "Resource service unreachable", detail: ex.Message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resource command {Command} on {Resource}: resource service answered {Status}")]
    private static partial void LogCommand(ILogger logger, string command, string resource, int status);
}
