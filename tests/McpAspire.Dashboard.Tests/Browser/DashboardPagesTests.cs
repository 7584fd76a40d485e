using McpAspire.Dashboard.Otlp.Proto.Logs.V1;
using McpAspire.Dashboard.Tests.Infrastructure;
using McpAspire.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace McpAspire.Dashboard.Tests.Browser;

/// <summary>
/// Every page in a real browser (Debian Chromium via Playwright): it loads, shows data, and updates live without a
/// reload. Resources and console logs come from a FAKE of the AppHost's resource service (<see cref="FakeResourceService"/>);
/// telemetry is real OTLP/HTTP protobuf posted to the dashboard. The full-app browser test (gateway → tool host trace)
/// follows once McpAspire.Hosting is merged. Screenshots go to artifacts/screenshots/.
/// </summary>
public sealed class DashboardPagesTests : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly ChromiumFixture _chromium;
    private readonly List<string> _pageErrors = [];
    private FakeResourceService _resources = null!;
    private DashboardServer _dashboard = null!;
    private HttpClient _otlp = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public DashboardPagesTests(ChromiumFixture chromium)
    {
        _chromium = chromium;
    }

    private static string ScreenshotDir => RepoPaths.Combine("artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        _resources = await FakeResourceService.StartAsync(
            new FakeResource { Name = "gateway", Replicas = 2, Url = "http://localhost:7080" },
            new FakeResource { Name = "toolhost", Url = "http://127.0.0.1:5100" },
            new FakeResource { Name = "statesvc", Url = "http://127.0.0.1:5200" },
            new FakeResource { Name = "redis", Type = "container", Health = null });
        _resources.AppendLog("toolhost", "info: McpAspire.ToolHost[0] Now listening on: http://127.0.0.1:5100");
        _resources.AppendLog("toolhost", "warn: agent registry empty", "stderr");
        _dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["ResourceService:Url"] = _resources.Address.ToString(),
            ["ResourceService:ApiKey"] = FakeResourceService.ApiKey,
        });
        _otlp = new HttpClient { BaseAddress = _dashboard.Address };
        _context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        _page = await _context.NewPageAsync();
        _page.SetDefaultTimeout(15_000);
        _page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("Failed to load resource", StringComparison.Ordinal))
            {
                _pageErrors.Add(message.Text);
            }
        };
        _page.PageError += (_, error) => _pageErrors.Add(error);

        // Log in the way a user does: the login URL from the dashboard's log, then the cookie.
        await _page.GotoAsync(new Uri(_dashboard.Address, $"/login?t={_dashboard.Token}").ToString());
        await Expect(_page).ToHaveURLAsync(new Uri(_dashboard.Address, "/").ToString());
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        _otlp.Dispose();
        await _dashboard.DisposeAsync();
        await _resources.DisposeAsync();
    }

    [Fact]
    public async Task Resources_page_shows_resources_updates_live_and_runs_commands()
    {
        var rows = _page.Locator("#resources tbody tr");
        await Expect(rows).ToHaveCountAsync(4);
        var gateway = _page.Locator("#resources tr[data-resource=gateway]");
        await Expect(gateway).ToContainTextAsync("Running");
        await Expect(gateway.Locator(".replica")).ToHaveCountAsync(2);
        await Expect(gateway.Locator("td.endpoints a")).ToHaveAttributeAsync("href", "http://localhost:7080/");

        _resources.SetState("redis", "Exited");
        await Expect(_page.Locator("#resources tr[data-resource=redis]")).ToContainTextAsync("Exited");

        await _page.Locator("#resources tr[data-resource=toolhost] button[data-command=restart]").ClickAsync();
        await Expect(_page.Locator("#command-status")).ToContainTextAsync("restart of toolhost accepted");
        Assert.Contains(("toolhost", "restart"), _resources.Commands);
        await Expect(_page.Locator("#resources tr[data-resource=toolhost] .replica")).ToContainTextAsync("1 restarts");

        await Screenshot("resources");
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task Console_logs_page_streams_buffered_and_live_lines()
    {
        await _page.GotoAsync(new Uri(_dashboard.Address, "/consolelogs?resource=toolhost").ToString());
        var console = _page.Locator("#console");
        await Expect(console).ToContainTextAsync("Now listening on");
        await Expect(console.Locator(".stderr")).ToContainTextAsync("agent registry empty");

        _resources.AppendLog("toolhost", "info: registered agent planner");
        await Expect(console).ToContainTextAsync("registered agent planner");
        await Expect(_page.Locator("#resource")).ToHaveValueAsync("toolhost");

        await Screenshot("consolelogs");
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task Structured_logs_page_filters_and_updates_live()
    {
        await Post("/v1/logs", OtlpRequests.Logs("gateway", (SeverityNumber.Info, "session 42 created"), (SeverityNumber.Warn, "downstream slow")));
        await _page.GotoAsync(new Uri(_dashboard.Address, "/structuredlogs").ToString());
        var rows = _page.Locator("#logs tbody tr");
        await Expect(rows).ToHaveCountAsync(2);

        await Post("/v1/logs", OtlpRequests.Logs("toolhost", (SeverityNumber.Error, "tool echo failed: timeout")));
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.First).ToContainTextAsync("tool echo failed");

        await _page.Locator("#level").SelectOptionAsync("Warning");
        await Expect(rows).ToHaveCountAsync(2);
        await _page.Locator("#text").FillAsync("echo");
        await Expect(rows).ToHaveCountAsync(1);
        await rows.First.ClickAsync();
        await Expect(_page.Locator("#detail")).ToContainTextAsync("alice");
        Assert.Contains("level=Warning", _page.Url, StringComparison.Ordinal);

        await Screenshot("structuredlogs");
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task Traces_page_lists_live_and_the_detail_shows_a_waterfall_across_services_with_mcp_attributes()
    {
        var (first, gw1, th1) = OtlpRequests.ToolCallTrace("search");
        await Post("/v1/traces", gw1);
        await Post("/v1/traces", th1);
        await _page.GotoAsync(new Uri(_dashboard.Address, "/traces").ToString());
        var rows = _page.Locator("#traces tbody tr");
        await Expect(rows).ToHaveCountAsync(1);

        var (failing, gw2, th2) = OtlpRequests.ToolCallTrace("echo", error: true);
        await Post("/v1/traces", gw2);
        await Post("/v1/traces", th2);
        await Expect(rows).ToHaveCountAsync(2);
        var failingRow = _page.Locator($"#traces tr[data-trace-id='{failing}']");
        await Expect(failingRow).ToContainTextAsync("1 error");
        await Expect(failingRow).ToContainTextAsync("gateway");
        await Expect(failingRow).ToContainTextAsync("toolhost");

        await _page.Locator("#errorsOnly").CheckAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Screenshot("traces");

        var log = OtlpRequests.Logs("toolhost", (SeverityNumber.Error, "echo blew up"));
        log.ResourceLogs[0].ScopeLogs[0].LogRecords[0].TraceId = Google.Protobuf.ByteString.CopyFrom(Convert.FromHexString(failing));
        await Post("/v1/logs", log);

        await failingRow.Locator("a.trace-link").ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Uri(_dashboard.Address, $"/traces/{failing}").ToString());
        var spans = _page.Locator(".waterfall .span-row:not(.header)");
        await Expect(spans).ToHaveCountAsync(3);
        await Expect(spans.Nth(0)).ToContainTextAsync("gateway");
        await Expect(spans.Nth(2)).ToContainTextAsync("toolhost");
        await spans.Nth(2).ClickAsync();
        var detail = _page.Locator("#detail");
        await Expect(detail).ToContainTextAsync("mcp.method.name");
        await Expect(detail).ToContainTextAsync("gen_ai.tool.name");
        await Expect(detail.Locator("tr.mcp", new LocatorLocatorOptions { HasText = "gen_ai.tool.name" })).ToContainTextAsync("echo");
        await Expect(detail).ToContainTextAsync("Error: boom");
        await Expect(_page.Locator("#trace-logs")).ToContainTextAsync("echo blew up");
        await Screenshot("trace");
        Assert.NotEqual(first, failing);
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task Metrics_page_lists_instruments_and_charts_them_live()
    {
        var start = OtlpRequests.Now - 10_000_000_000;
        for (var i = 0; i < 5; i++)
        {
            await Post("/v1/metrics", OtlpRequests.Gauge("worker", "queue.length", 3 + i * 2, start + (ulong)i * 2_000_000_000));
        }
        await _page.GotoAsync(new Uri(_dashboard.Address, "/metrics?resource=worker").ToString());
        await Expect(_page.Locator("a.instrument[data-name='queue.length']")).ToHaveCountAsync(1);
        await Expect(_page.Locator("#chart-panel h2")).ToHaveTextAsync("queue.length");
        await Expect(_page.Locator("svg.chart polyline")).ToHaveCountAsync(1);
        var pointsCell = _page.Locator("table.series tbody tr td").Last;
        await Expect(pointsCell).ToHaveTextAsync("5");

        await Post("/v1/metrics", OtlpRequests.Gauge("worker", "queue.length", 4, OtlpRequests.Now));
        await Expect(pointsCell).ToHaveTextAsync("6");
        await Expect(_page.Locator("table.series")).ToContainTextAsync("queue=a");

        await Screenshot("metrics");
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task Without_a_resource_service_the_resources_page_says_so_and_lists_telemetry_resources()
    {
        await using var bare = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Dashboard:Unsecured"] = "true" });
        using var otlp = new HttpClient { BaseAddress = bare.Address };
        await _page.GotoAsync(bare.Address.ToString());
        await Expect(_page.Locator("#status")).ToContainTextAsync("No resource service is configured");
        await Expect(_page.Locator("#telemetry-resources")).ToContainTextAsync("No telemetry received yet");

        var (_, gateway, _) = OtlpRequests.ToolCallTrace();
        (await OtlpRequests.PostAsync(otlp, "/v1/traces", gateway)).EnsureSuccessStatusCode();
        await Expect(_page.Locator("#telemetry-resources tr[data-resource=gateway]")).ToContainTextAsync("gateway-1");
        await Screenshot("resources-telemetry-only");

        await _page.GotoAsync(new Uri(bare.Address, "/consolelogs").ToString());
        await Expect(_page.Locator("#status")).ToContainTextAsync("console logs are not available");
        Assert.Empty(_pageErrors);
    }

    private async Task Post(string path, Google.Protobuf.IMessage message)
    {
        using var response = await OtlpRequests.PostAsync(_otlp, path, message);
        response.EnsureSuccessStatusCode();
    }

    private async Task Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotDir);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });
    }
}
