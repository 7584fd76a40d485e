using Microsoft.AspNetCore.Hosting;

namespace McpAspire.ToolHost.Conformance;

/// <summary>Puts <see cref="PollingGate.HoldResponseAsync"/> around every endpoint (conformance profile only).</summary>
internal sealed class PollingGateStartup : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(PollingGate.HoldResponseAsync);
        next(app);
    };
}
