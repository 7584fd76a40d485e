namespace McpAspire.StateService.Api;

/// <summary>
/// Endpoint filter of every session-scoped route: the principal header must be present and well formed, and the
/// <c>sid</c> route value (when the route has one) must look like a session id. Handlers read the principal back
/// with <see cref="Principal"/>.
/// </summary>
public sealed class PrincipalFilter : IEndpointFilter
{
    private const string ItemKey = "McpAspire.Principal";

    /// <summary>The validated principal of the request.</summary>
    public static string Principal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (string)context.Items[ItemKey]!;
    }

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var principal = http.Request.Headers[ApiValidation.PrincipalHeader].ToString();
        if (ApiValidation.Principal(principal.Length == 0 ? null : principal) is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        if (http.Request.RouteValues.TryGetValue("sid", out var sid) && sid is string s && ApiValidation.SessionId(s) is { } sidError)
        {
            // An id we could never have issued cannot exist: 404, the same answer as an unknown one.
            return ApiResults.NotFound(sidError);
        }
        if (http.Request.RouteValues.TryGetValue("name", out var name) && name is string n && ApiValidation.Name(n, "Client name") is { } nameError)
        {
            return ApiResults.BadRequest(nameError);
        }
        http.Items[ItemKey] = principal;
        return await next(context).ConfigureAwait(false);
    }
}
