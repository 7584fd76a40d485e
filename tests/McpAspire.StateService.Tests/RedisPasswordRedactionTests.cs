using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpAspire.StateService.Tests;

/// <summary>
/// The Redis password never shows in the state service's logs, exported telemetry or answers, while Redis is down or
/// refuses the password (the situations in which connection errors get logged).
/// </summary>
public sealed class RedisPasswordRedactionTests : IClassFixture<RedisFixture>
{
    private const string WrongPassword = "Wrong-SECRET-password-0a1b2c3d";
    private readonly RedisFixture _redis;

    public RedisPasswordRedactionTests(RedisFixture redis)
    {
        _redis = redis;
    }

    [Theory]
    [InlineData("down")]
    [InlineData("wrong-password")]
    public async Task Connection_errors_never_reveal_the_password(string situation)
    {
        var otlp = new ConcurrentQueue<byte[]>();
        await using var receiver = await KestrelApp.StartAsync(null, app => app.MapPost("/v1/{signal}", async (HttpContext ctx) =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            otlp.Enqueue(ms.ToArray());
            return Results.Ok();
        }));
        var port = situation == "down" ? FreePort.Next() : new Uri("redis://" + _redis.Server.ConnectionString.Split(',')[0]).Port;
        var logs = new CapturingLoggerProvider();
        var host = await StateServiceHost.StartAsync($"127.0.0.1:{port},password={WrongPassword},connectTimeout=500", new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "statesvc",
            // Connect attempts are logged at Debug; log everything, as someone chasing an outage would.
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        }, waitHealthy: false, logs: logs);
        var answers = new StringBuilder();
        try
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, "sessions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            create.Headers.Add("X-McpAspire-Principal", "alice");
            using var created = await host.Http.SendAsync(create);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, created.StatusCode);
            answers.Append(await created.Content.ReadAsStringAsync());
            using var health = await host.Http.GetAsync(new Uri("health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            answers.Append(await health.Content.ReadAsStringAsync());
            answers.Append(await host.Http.GetStringAsync(new Uri("stats", UriKind.Relative)));
            // The client's reconnect loop logs each failure (refused connection, or the server's AUTH error).
            await Eventually.HoldsAsync(() => Task.FromResult(logs.Lines.Any(l => l.Contains("StackExchange.Redis", StringComparison.Ordinal))),
                "the Redis client logged a connection failure:\n" + logs.Text, timeoutSeconds: 10);
        }
        finally
        {
            await host.DisposeAsync();
        }
        // The failure was logged with its cause (so the absence of the password below is not for lack of logging).
        var redisLines = logs.Lines.Where(l => l.Contains("StackExchange.Redis", StringComparison.Ordinal)).ToList();
        Assert.True(redisLines.Any(l => l.Contains(situation == "down" ? "UnableToConnect" : "AuthenticationFailure", StringComparison.OrdinalIgnoreCase)), string.Join("\n", redisLines));
        var leaked = logs.Lines.FirstOrDefault(l => l.Contains(WrongPassword, StringComparison.Ordinal));
        Assert.True(leaked is null, "A log line holds the password: " + leaked);
        Assert.DoesNotContain(WrongPassword, answers.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(otlp);
        var secret = Encoding.UTF8.GetBytes(WrongPassword);
        Assert.All(otlp, body => Assert.True(body.AsSpan().IndexOf(secret) < 0, "An OTLP export holds the password."));
    }
}
