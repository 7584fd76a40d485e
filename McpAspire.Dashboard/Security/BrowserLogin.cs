using System.Net;
using System.Security.Claims;
using McpAspire.Dashboard.Pages;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace McpAspire.Dashboard.Security;

/// <summary>
/// Aspire-style browser-token login: the token is printed as a login URL at start-up; <c>/login?t=TOKEN</c> (or the
/// form on <c>/login</c>) sets an HTTP-only cookie, after which pages and the API are open. Pages redirect to the
/// login form; the API answers 401.
/// </summary>
public static partial class BrowserLogin
{
    /// <summary>Name of the authentication cookie.</summary>
    public const string CookieName = ".McpAspire.Dashboard";

    /// <summary>Registers cookie authentication and, unless unsecured, a fallback policy requiring login.</summary>
    public static void AddBrowserLogin(this IServiceCollection services, bool unsecured)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromDays(3);
                options.SlidingExpiration = true;
                options.LoginPath = "/login";
                options.Events.OnRedirectToLogin = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/api"))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Results.Problem(statusCode: 401, title: "Login required",
                            detail: "Log in at /login with the browser token printed in the dashboard's log.").ExecuteAsync(context.HttpContext);
                    }
                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorization(options =>
        {
            if (!unsecured)
            {
                options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            }
        });
    }

    /// <summary>Maps <c>GET /login</c> (token in <c>t</c>, or the form) and <c>POST /login</c> (form field <c>token</c>).</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/login", (HttpContext context, BrowserToken token, string? t, string? returnUrl) =>
            t is null ? Task.FromResult(LoginPage(returnUrl, error: null)) : SignInAsync(context, token, t, returnUrl)).AllowAnonymous();
        endpoints.MapPost("/login", async (HttpContext context, BrowserToken token) =>
        {
            if (!context.Request.HasFormContentType)
            {
                return LoginPage(null, "Send the token as a form field.", StatusCodes.Status400BadRequest);
            }
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            return await SignInAsync(context, token, form["token"].ToString(), form["returnUrl"].ToString()).ConfigureAwait(false);
        }).AllowAnonymous().DisableAntiforgery();
        endpoints.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.Redirect("/login");
        }).DisableAntiforgery();
    }

    /// <summary>Logs the login URL once the server listens (unless unsecured).</summary>
    public static void LogLoginUrlOnStart(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var token = app.Services.GetRequiredService<BrowserToken>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("McpAspire.Dashboard");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                var url = address.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                    .Replace("://[::]", "://localhost", StringComparison.Ordinal)
                    .Replace("://+", "://localhost", StringComparison.Ordinal)
                    .Replace("://*", "://localhost", StringComparison.Ordinal);
                if (token.Unsecured)
                {
                    LogUnsecured(logger, url);
                }
                else
                {
                    LogLoginUrl(logger, $"{url.TrimEnd('/')}/login?t={token.Value}");
                }
            }
        });
    }

    private static async Task<IResult> SignInAsync(HttpContext context, BrowserToken token, string provided, string? returnUrl)
    {
        if (!ApiKeys.Matches(provided, token.Value))
        {
            return LoginPage(returnUrl, "The token is not valid. Use the login URL printed in the dashboard's log.", StatusCodes.Status401Unauthorized);
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "dashboard-user")], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
        // Only local paths, so the login link cannot redirect elsewhere.
        var target = !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/";
        return Results.Redirect(target);
    }

    private static IResult LoginPage(string? returnUrl, string? error, int status = StatusCodes.Status200OK)
    {
        var body = $"""
            <section class="login">
              <h1>McpAspire dashboard</h1>
              <p>Open the login URL printed in the dashboard's log, or paste its token here.</p>
              {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}
              <form method="post" action="/login">
                <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl ?? "/")}">
                <label>Token <input type="password" name="token" id="token" autocomplete="off" required></label>
                <button type="submit">Log in</button>
              </form>
            </section>
            """;
        return Results.Content(PageLayout.Render("Login", null, body, null, showNav: false), "text/html; charset=utf-8", statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Login to the dashboard at {LoginUrl}")]
    private static partial void LogLoginUrl(ILogger logger, string loginUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard (unsecured, no login) at {Url}")]
    private static partial void LogUnsecured(ILogger logger, string url);
}
