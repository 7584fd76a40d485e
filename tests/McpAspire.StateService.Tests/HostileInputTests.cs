using McpAspire.TestSupport.HostileInput;
using Xunit.Abstractions;

namespace McpAspire.StateService.Tests;

/// <summary>
/// The hostile-input corpus against every endpoint the state service maps, with and without a principal: never a 5xx,
/// never a hang, and the service still works afterwards.
/// </summary>
public sealed class HostileInputTests(RedisFixture redis, ITestOutputHelper output) : IClassFixture<RedisFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData("alice")]
    public async Task Every_endpoint_survives_the_hostile_corpus(string? principal)
    {
        await using var host = await StateServiceHost.StartAsync(redis.Server.ConnectionString);
        var session = await host.Client.CreateSessionAsync("alice");
        var probe = new HostileEndpointProbe
        {
            Authorize = principal is null ? null : r => r.Headers.TryAddWithoutValidation("X-McpAspire-Principal", principal),
            RawAuthorizationHeaders = principal is null ? string.Empty : $"X-McpAspire-Principal: {principal}\r\n",
            // The change stream holds its response open by design; its headers arriving is the answer.
        };

        var report = await probe.RunAsync(host.App, host.Address);

        output.WriteLine(report.Summary);
        Assert.True(report.Endpoints.Count >= 10, "expected the state service's endpoints, found: " + string.Join(", ", report.Endpoints.Select(e => e.Pattern)));
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(40)));
        // Still serving, and no hostile id (a glob such as '*' among them) reached alice's existing session.
        Assert.Equal(session.Id, (await host.Client.GetSessionAsync("alice", session.Id))?.Id);
    }
}
