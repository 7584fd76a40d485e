using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace McpAspire.ServiceDefaults.RequestGuard;

/// <summary>Puts <see cref="RequestGuardMiddleware"/> first in every pipeline, so no endpoint runs before the checks.</summary>
internal sealed class RequestGuardStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<RequestGuardMiddleware>();
        next(app);
    };
}
