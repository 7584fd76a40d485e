using System.Collections.Concurrent;
using System.Net;
using System.Text;
using McpAspire.ServiceDefaults.Redaction;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpAspire.ServiceDefaults.Tests;

/// <summary>
/// Secrets carried by requests (bearer token, API key header, service key, <c>?access_token=</c>), by outbound calls and
/// by configuration (the Redis password, while Redis is down) never reach a log provider or the OTLP receiver.
/// </summary>
public sealed class SecretRedactionTests
{
    private const string ServiceKey = "svc-key-SECRET-0123456789abcdefXYZ";
    private const string RedisPassword = "RedisPw-SECRET-4f9a8b7c6d5e";
    private const string Bearer = "eyJhbGciOiJSUzI1NiJ9.BEARER-SECRET-payload.sig123";
    private const string ApiKey = "apikey-SECRET-77aa88bb99cc";
    private const string QueryToken = "qtoken-SECRET-1234abcd5678";
    private const string OutboundToken = "outbound-SECRET-token-9988";
    private const string OutboundBearer = "outbound-SECRET-bearer-7766";

    private static readonly string[] s_secrets = [ServiceKey, RedisPassword, Bearer, ApiKey, QueryToken, OutboundToken, OutboundBearer];

    [Theory]
    [InlineData("GET http://h/x?access_token=abc123&page=2", "GET http://h/x?access_token=[redacted]&page=2")]
    [InlineData("https://h/cb?code=xyz789&state=s1&sig=AbC%3D", "https://h/cb?code=[redacted]&state=s1&sig=[redacted]")]
    [InlineData("localhost:6379,password=p@ss!w0rd,ssl=true", "localhost:6379,password=[redacted],ssl=true")]
    [InlineData("Authorization: Bearer eyJ0eXAi.eyJzdWIi.c2ln", "Authorization: Bearer [redacted]")]
    [InlineData("redis://user:hunter22@cache:6379/0", "redis://[redacted]@cache:6379/0")]
    [InlineData("{\"api_key\":\"k-123\",\"name\":\"n\"}", "{\"api_key\":\"[redacted]\",\"name\":\"n\"}")]
    [InlineData("no secrets here: status=200 path=/mcp", "no secrets here: status=200 path=/mcp")]
    public void Text_patterns_are_masked_and_the_rest_stays_readable(string input, string expected)
    {
        Assert.Equal(expected, SecretText.Redact(input));
        // Idempotent: several processors (or a service and the dashboard) may mask the same text in turn.
        Assert.Equal(expected, SecretText.Redact(SecretText.Redact(input)));
    }

    [Fact]
    public void Sensitive_names_include_headers_and_query_keys_but_not_ordinary_attributes()
    {
        foreach (var name in new[] { "authorization", "http.request.header.x-api-key", "access_token", "ServiceAuth__Key", "X-McpAspire-Service-Key", "code", "sig", "password", "client_secret" })
        {
            Assert.True(SecretText.IsSensitiveName(name), name);
        }
        foreach (var name in new[] { "url.path", "http.response.status_code", "mcp.session.id", "gen_ai.tool.name", "server.address", "state" })
        {
            Assert.False(SecretText.IsSensitiveName(name), name);
        }
    }

    [Fact]
    public async Task Secrets_in_requests_outbound_calls_exceptions_and_redis_errors_reach_neither_logs_nor_exported_telemetry()
    {
        var otlp = new ConcurrentQueue<(string Path, byte[] Body)>();
        await using var receiver = await KestrelApp.StartAsync(null, app =>
            app.MapPost("/v1/{signal}", async (HttpContext ctx) =>
            {
                using var ms = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(ms);
                otlp.Enqueue((ctx.Request.Path, ms.ToArray()));
                return Results.Ok();
            }));
        var externalSaw = new ConcurrentQueue<string>();
        await using var external = await KestrelApp.StartAsync(null, app => app.MapGet("/hook", (HttpContext c) =>
        {
            externalSaw.Enqueue(c.Request.QueryString.Value + " " + c.Request.Headers.Authorization);
            return "hooked";
        }));

        var logs = new CapturingLoggerProvider();
        var service = await KestrelApp.StartAsync(
            b =>
            {
                b.Logging.AddProvider(logs);
                b.Logging.SetMinimumLevel(LogLevel.Trace);
                b.AddServiceDefaults();
                b.AddDefaultRedisClient("redis");
            },
            app =>
            {
                app.RequireServiceKey();
                app.MapDefaultEndpoints();
                app.MapGet("/redaction-data", (HttpContext c) =>
                {
                    // What an instrumentation that records full URLs and headers would put on the server span.
                    var span = System.Diagnostics.Activity.Current!;
                    span.SetTag("url.full", $"{c.Request.Scheme}://{c.Request.Host}{c.Request.Path}{c.Request.QueryString}");
                    span.SetTag("http.request.header.x-api-key", c.Request.Headers["X-Api-Key"].ToString());
                    span.SetTag("http.request.header.authorization", c.Request.Headers.Authorization.ToString());
                    return "ok";
                });
                app.MapGet("/call-out", async (IHttpClientFactory factory) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(external.Address, $"/hook?access_token={OutboundToken}&page=2"));
                    request.Headers.Authorization = new("Bearer", OutboundBearer);
                    using var response = await factory.CreateClient("external").SendAsync(request);
                    return await response.Content.ReadAsStringAsync();
                });
                // A library that puts a connection string in its exception message, as drivers sometimes do.
                app.MapGet("/fail", string () => throw new InvalidOperationException($"Could not connect with 127.0.0.1:1,password={RedisPassword}"));
            },
            new Dictionary<string, string?>
            {
                ["ServiceAuth:Key"] = ServiceKey,
                ["ConnectionStrings:redis"] = $"127.0.0.1:{FreePort.Next()},password={RedisPassword},connectTimeout=500",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = "redaction",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            });
        try
        {
            using var http = ExternalClient.Create(service.Address);
            http.DefaultRequestHeaders.Add("X-McpAspire-Service-Key", ServiceKey);
            http.DefaultRequestHeaders.Authorization = new("Bearer", Bearer);
            http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);

            Assert.Equal("ok", await http.GetStringAsync(new Uri($"/redaction-data?access_token={QueryToken}&page=1", UriKind.Relative)));
            Assert.Equal("hooked", await http.GetStringAsync(new Uri("/call-out", UriKind.Relative)));
            Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync(new Uri("/fail", UriKind.Relative))).StatusCode);
            // Redis is down: the health check and the client's reconnect loop log connection failures.
            using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.DoesNotContain(RedisPassword, await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await Eventually.HoldsAsync(() => Task.FromResult(logs.Text.Contains("StackExchange.Redis", StringComparison.Ordinal)), "the Redis client logged its connection failure");
        }
        finally
        {
            await service.DisposeAsync(); // flushes the exporters
        }

        // The secrets really travelled (so their absence below means something).
        Assert.Contains(externalSaw, s => s.Contains(OutboundToken, StringComparison.Ordinal) && s.Contains(OutboundBearer, StringComparison.Ordinal));
        var text = logs.Text;
        Assert.Contains("access_token=[redacted]", text, StringComparison.Ordinal);
        Assert.Contains("password=[redacted]", text, StringComparison.Ordinal);
        foreach (var secret in s_secrets)
        {
            var line = logs.Lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal));
            Assert.True(line is null, $"A log line holds a secret: {line}");
        }

        var traces = otlp.Where(o => o.Path == "/v1/traces").SelectMany(o => OtlpTraceDecoder.Decode(o.Body)).ToList();
        // Other tests in this process run servers too (activity listeners are process-wide), so pick ours by path.
        var dataSpan = Assert.Single(traces, s => s.Attributes.GetValueOrDefault("url.path") == "/redaction-data" && s.Attributes.ContainsKey("url.full"));
        Assert.EndsWith("/redaction-data?access_token=[redacted]&page=1", dataSpan.Attributes["url.full"], StringComparison.Ordinal);
        Assert.Equal("[redacted]", dataSpan.Attributes["http.request.header.x-api-key"]);
        Assert.Equal("[redacted]", dataSpan.Attributes["http.request.header.authorization"]);
        Assert.Contains(otlp, o => o.Path == "/v1/logs");
        foreach (var (path, body) in otlp)
        {
            // Protobuf strings are raw UTF-8, so a secret in any attribute, body or resource would appear verbatim.
            foreach (var secret in s_secrets)
            {
                Assert.True(body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{path} export holds '{secret}'");
            }
        }
    }
}
