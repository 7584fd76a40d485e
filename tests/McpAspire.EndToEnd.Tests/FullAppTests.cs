using System.Net;
using System.Text.Json;
using McpAspire.Hosting;
using McpAspire.Hosting.Testing;
using McpAspire.TestSupport;
using Microsoft.Playwright;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.EndToEnd.Tests;

/// <summary>
/// The whole app, started by the testing builder with its dashboard: an MCP client calls a tool through the gateway,
/// the call shows in the dashboard as one trace across gateway and tool host, and every dashboard page works in
/// Debian's Chromium against the live app (screenshots in artifacts/screenshots/fullapp-*.png).
/// </summary>
public sealed class FullAppTests : IAsyncLifetime
{
    private static readonly TimeSpan s_start = TimeSpan.FromSeconds(120);
    private DistributedApplication _app = null!;
    private Uri _dashboard = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(s_start);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(["--AppHost:DisableDashboard=false"], cts.Token);
        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        foreach (var name in new[] { "redis", "statesvc", "toolhost", "gateway", "dashboard" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(name, cts.Token);
        }
        _dashboard = _app.GetEndpoint("dashboard");
        // The AppHost hands the dashboard its login token through the environment, as it does for a user's run.
        var pid = _app.ResourceNotifications.GetSnapshot("dashboard").Replicas.Single().Pid!.Value;
        _token = File.ReadAllText($"/proc/{pid}/environ").Split('\0')
            .Single(e => e.StartsWith("Dashboard__Frontend__BrowserToken=", StringComparison.Ordinal))["Dashboard__Frontend__BrowserToken=".Length..];
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_tool_call_through_the_gateway_is_one_trace_across_gateway_and_tool_host_and_every_page_shows_live_data()
    {
        var gateway = new Uri(_app.GetEndpoint("gateway"), "/mcp");
        // Both eras through the front port, which spreads connections over the two gateway replicas: a 2025-11-25
        // session (its record and events in the state service, so either replica serves it) and 2026 stateless calls.
        foreach (var era in new[] { "2025-11-25", null })
        {
            await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = gateway, TransportMode = HttpTransportMode.StreamableHttp }),
                new McpClientOptions { ProtocolVersion = era });
            for (var i = 0; i < 5; i++)
            {
                var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"traced through the gateway {era} {i}" });
                Assert.Contains($"traced through the gateway {era} {i}", string.Join("", result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
            }
        }

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true };
        using var http = new HttpClient(handler) { BaseAddress = _dashboard, Timeout = TimeSpan.FromSeconds(30) };
        (await http.GetAsync(new Uri($"/login?t={_token}", UriKind.Relative))).EnsureSuccessStatusCode();

        JsonElement trace = default;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var list = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/traces?limit=200&text=echo", UriKind.Relative)));
            var found = list.RootElement.EnumerateArray().FirstOrDefault(t =>
            {
                var resources = t.GetProperty("resources").EnumerateArray().Select(r => r.GetString()).ToList();
                return resources.Any(r => r!.StartsWith("gateway", StringComparison.Ordinal)) && resources.Contains("toolhost");
            });
            if (found.ValueKind == JsonValueKind.Object)
            {
                trace = found.Clone();
                break;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("No trace spanning gateway and toolhost reached the dashboard:\n" + list.RootElement);
            }
            await Task.Delay(500);
        }

        var traceId = trace.GetProperty("traceId").GetString()!;
        using var detail = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/traces/{traceId}", UriKind.Relative)));
        var spans = detail.RootElement.GetProperty("spans").EnumerateArray().ToList();
        // The tool host's server span for the call carries the MCP attributes and hangs under the gateway's spans.
        var toolSpan = spans.First(s => s.GetProperty("resource").GetString() == "toolhost"
            && s.GetProperty("attributes").EnumerateArray().Any(a => a.GetProperty("key").GetString() == "gen_ai.tool.name"));
        var ids = spans.Select(s => s.GetProperty("spanId").GetString()).ToHashSet();
        Assert.Contains(toolSpan.GetProperty("parentSpanId").GetString(), ids);
        Assert.Contains(spans, s => s.GetProperty("resource").GetString()!.StartsWith("gateway", StringComparison.Ordinal)
            && s.GetProperty("attributes").EnumerateArray().Any(a => a.GetProperty("key").GetString() == "mcp.method.name"));

        await BrowsePagesAsync(traceId);
    }

    private async Task BrowsePagesAsync(string traceId)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assertions.SetDefaultExpectTimeout(20_000);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Timeout = 60_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var shots = RepoPaths.Combine("artifacts", "screenshots");
        Directory.CreateDirectory(shots);

        await page.GotoAsync(new Uri(_dashboard, $"/login?t={_token}").ToString());
        await page.GotoAsync(new Uri(_dashboard, "/").ToString());
        foreach (var name in new[] { "redis", "statesvc", "toolhost", "gateway" })
        {
            await Assertions.Expect(page.GetByText(name, new PageGetByTextOptions { Exact = true }).First).ToBeVisibleAsync();
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "fullapp-resources.png"), FullPage = true });

        await page.GotoAsync(new Uri(_dashboard, "/consolelogs?resource=toolhost").ToString());
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("toolhost");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "fullapp-consolelogs.png"), FullPage = true });

        await page.GotoAsync(new Uri(_dashboard, "/structuredlogs").ToString());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "fullapp-structuredlogs.png"), FullPage = true });

        await page.GotoAsync(new Uri(_dashboard, "/traces").ToString());
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("gateway");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "fullapp-traces.png"), FullPage = true });

        await page.GotoAsync(new Uri(_dashboard, $"/traces/{traceId}").ToString());
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("toolhost");
        // The waterfall spans both services; selecting the tool host's span shows its MCP attributes.
        await page.GetByText("tools/call echo").First.ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("gen_ai.tool.name");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "fullapp-trace.png"), FullPage = true });

        await page.GotoAsync(new Uri(_dashboard, "/metrics").ToString());
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("gateway");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "fullapp-metrics.png"), FullPage = true });
    }
}
