using Microsoft.Playwright;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.EndToEnd.Tests;

/// <summary>
/// The real Aspire dashboard, in Debian's Chromium: logging in with the browser token shows the five resources
/// (redis, statesvc, toolhost and the two gateway replicas) running and healthy, and a tool call through the gateway
/// shows as one trace across gateway and tool host (screenshots in artifacts/screenshots/dashboard-*.png).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class DashboardTests
{
    private readonly AppFixture _fixture;

    public DashboardTests(AppFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task Logging_in_with_the_token_shows_five_healthy_resources_and_a_trace_from_gateway_to_tool_host()
    {
        await using (var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = _fixture.GatewayMcpUrl,
            TransportMode = HttpTransportMode.StreamableHttp,
        })))
        {
            var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "traced" });
            Assert.Equal("traced", string.Join("", result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assertions.SetDefaultExpectTimeout(30_000);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Timeout = 60_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var shots = RepoPaths.Combine("artifacts", "screenshots");
        Directory.CreateDirectory(shots);

        // A wrong token is refused; the right one opens the resources page.
        await page.GotoAsync(new Uri(_fixture.DashboardUrl, "/login?t=not-the-token").ToString());
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.GotoAsync(new Uri(_fixture.DashboardUrl, $"/login?t={_fixture.DashboardToken}").ToString());
        await Assertions.Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.GotoAsync(new Uri(_fixture.DashboardUrl, "/").ToString());

        var rows = page.Locator("fluent-data-grid-row, tr").Filter(new LocatorFilterOptions { HasText = "Running" });
        var replicas = (await _fixture.ReplicasAsync("gateway")).Keys.ToList();
        foreach (var name in new[] { "redis", "statesvc", "toolhost" }.Concat(replicas))
        {
            await Assertions.Expect(rows.Filter(new LocatorFilterOptions { HasText = name }).First).ToBeVisibleAsync();
        }
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Unhealthy");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-resources.png"), FullPage = true });

        // The trace: the gateway's server span and the tool host's span of the same call, in one trace.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        ILocator trace;
        while (true)
        {
            await page.GotoAsync(new Uri(_fixture.DashboardUrl, "/traces").ToString());
            trace = page.Locator("fluent-data-grid-row, tr").Filter(new LocatorFilterOptions { HasText = "gateway" }).Filter(new LocatorFilterOptions { HasText = "toolhost" });
            try
            {
                await Assertions.Expect(trace.First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 5_000 });
                break;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
                // Telemetry is exported in batches: look again.
            }
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-traces.png"), FullPage = true });
        await trace.First.GetByText("gateway: POST").First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/traces/detail/"));
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("toolhost");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-trace.png"), FullPage = true });
    }
}
