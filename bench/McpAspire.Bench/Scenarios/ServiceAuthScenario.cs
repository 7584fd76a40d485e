using System.Diagnostics;
using System.Globalization;
using McpAspire.ServiceDefaults.Redaction;
using McpAspire.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>service-auth</c>: what service-to-service trust and secret redaction cost. (1) GET requests from N concurrent
/// callers to a service that demands the service key (and gets it) side by side with the same service open (baseline).
/// (2) One log call through the redacting logger factory side by side with the plain factory, for a message without a
/// secret (the common case) and one with a query token, into a provider that formats every message (as the console does).
/// Arguments: <c>--clients 32 --seconds 5 --logs 300000</c>.
/// </summary>
public sealed class ServiceAuthScenario : IScenario
{
    private const string Scenario = "service-auth";
    private const string Key = "bench-service-key-0123456789abcdefXYZ";

    public string Name => Scenario;

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var clients = IntArg(args, "--clients", 32);
        var seconds = IntArg(args, "--seconds", 5);
        var logCalls = IntArg(args, "--logs", 300_000);
        long errors = 0;

        await using var open = await StartAsync(keyed: false);
        await using var keyed = await StartAsync(keyed: true);
        using var openHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false }) { BaseAddress = open.Address };
        using var keyedHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false }) { BaseAddress = keyed.Address };
        keyedHttp.DefaultRequestHeaders.Add("X-McpAspire-Service-Key", Key);
        var ping = new Uri("/ping", UriKind.Relative);
        async Task Call(HttpClient http, CancellationToken ct)
        {
            using var response = await http.GetAsync(ping, ct);
            response.EnsureSuccessStatusCode();
        }
        var openResult = await LoadLoop.RunAsync(clients, TimeSpan.FromSeconds(seconds), (_, ct) => Call(openHttp, ct), cancellationToken);
        var keyedResult = await LoadLoop.RunAsync(clients, TimeSpan.FromSeconds(seconds), (_, ct) => Call(keyedHttp, ct), cancellationToken);
        errors += openResult.Errors + keyedResult.Errors;
        BenchResult.Report(Scenario, "keyed_calls_per_sec", keyedResult.PerSecond, "calls/s", openResult.PerSecond);
        BenchResult.Report(Scenario, "keyed_p50", keyedResult.P50Ms, "ms", openResult.P50Ms);
        BenchResult.Report(Scenario, "keyed_p99", keyedResult.P99Ms, "ms", openResult.P99Ms);

        var known = new KnownSecrets([Key, "RedisPw-0123456789abcdef"]);
        foreach (var (label, message) in new[]
        {
            ("log_plain_message", "Request starting HTTP/1.1 GET http://127.0.0.1:5000/sessions/abc?page=2 - - -"),
            ("log_query_token", "Request starting HTTP/1.1 GET http://127.0.0.1:5000/sessions/abc?access_token=eyJhbGciOi.payload.sig - - -"),
        })
        {
            using var plainFactory = LoggerFactory.Create(b => b.AddProvider(new FormattingProvider()).SetMinimumLevel(LogLevel.Information));
            using var redactingFactory = new RedactingLoggerFactory(LoggerFactory.Create(b => b.AddProvider(new FormattingProvider()).SetMinimumLevel(LogLevel.Information)), known);
            var plain = NanosPerCall(plainFactory.CreateLogger("bench"), message, logCalls);
            var redacting = NanosPerCall(redactingFactory.CreateLogger("bench"), message, logCalls);
            BenchResult.Report(Scenario, label, redacting, "ns", plain);
        }
        BenchResult.Report(Scenario, "clients", clients, "count");
        BenchResult.ReportFooter(Scenario, errors);
        return errors == 0 ? 0 : 1;
    }

    private static Task<KestrelApp> StartAsync(bool keyed) => KestrelApp.StartAsync(
        b =>
        {
            b.Logging.ClearProviders();
            b.AddServiceDefaults();
        },
        app =>
        {
            app.RequireServiceKey();
            app.MapGet("/ping", () => "pong");
        },
        keyed ? new Dictionary<string, string?> { ["ServiceAuth:Key"] = Key } : new Dictionary<string, string?>());

    private static double NanosPerCall(ILogger logger, string message, int calls)
    {
        // Warm up, then measure single-threaded (the cost per call, not contention).
        for (var i = 0; i < 20_000; i++)
        {
            logger.LogInformation("{Message} #{N}", message, i);
        }
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            logger.LogInformation("{Message} #{N}", message, i);
        }
        return sw.Elapsed.TotalNanoseconds / calls;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }

    /// <summary>A provider that formats every message and keeps its length, as a console logger's work begins.</summary>
    private sealed class FormattingProvider : ILoggerProvider
    {
        public long Characters;

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(FormattingProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                Interlocked.Add(ref owner.Characters, formatter(state, exception).Length);
        }
    }
}
