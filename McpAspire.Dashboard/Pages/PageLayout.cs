using System.Net;
using System.Text;

namespace McpAspire.Dashboard.Pages;

/// <summary>The HTML shell every page shares: head, navigation, and the page's data attributes for its script.</summary>
public static class PageLayout
{
    private static readonly (string Href, string Label, string Key)[] s_nav =
    [
        ("/", "Resources", "resources"),
        ("/consolelogs", "Console", "consolelogs"),
        ("/structuredlogs", "Structured logs", "structuredlogs"),
        ("/traces", "Traces", "traces"),
        ("/metrics", "Metrics", "metrics"),
    ];

    /// <summary>Renders a page; <paramref name="data"/> become <c>data-*</c> attributes of the body (HTML-encoded).</summary>
    public static string Render(string title, string? page, string body, IReadOnlyDictionary<string, string?>? data, bool showNav = true)
    {
        ArgumentNullException.ThrowIfNull(title);
        var html = new StringBuilder(2048);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(WebUtility.HtmlEncode(title)).Append(" · McpAspire dashboard</title>")
            .Append("<link rel=\"stylesheet\" href=\"/_assets/dashboard.css\">")
            .Append("<script src=\"/_assets/dashboard.js\" defer></script></head><body");
        if (page is not null)
        {
            html.Append(" data-page=\"").Append(page).Append('"');
        }
        if (data is not null)
        {
            foreach (var (key, value) in data)
            {
                html.Append(" data-").Append(key).Append("=\"").Append(WebUtility.HtmlEncode(value ?? "")).Append('"');
            }
        }
        html.Append('>');
        if (showNav)
        {
            html.Append("<header class=\"top\"><a class=\"brand\" href=\"/\">McpAspire</a><nav>");
            foreach (var (href, label, key) in s_nav)
            {
                html.Append("<a href=\"").Append(href).Append('"');
                if (key == page || (page == "trace" && key == "traces"))
                {
                    html.Append(" class=\"active\" aria-current=\"page\"");
                }
                html.Append('>').Append(label).Append("</a>");
            }
            html.Append("</nav><span id=\"live\" class=\"live\" title=\"live updates\">●</span></header>");
        }
        html.Append("<main>").Append(body).Append("</main></body></html>");
        return html.ToString();
    }
}
