using System.Net;
using System.Text.Json;
using McpAspire.StateService.Client;

namespace McpAspire.StateService.Tests;

/// <summary>The state service with <c>ServiceAuth:Key</c> set (as the AppHost does): only callers presenting it get in.</summary>
public sealed class ServiceKeyTests : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private const string Key = "state-service-key-0123456789ABCDEFG";
    private readonly RedisFixture _redis;
    private StateServiceHost _host = null!;

    public ServiceKeyTests(RedisFixture redis)
    {
        _redis = redis;
    }

    public async Task InitializeAsync() =>
        _host = await StateServiceHost.StartAsync(_redis.Server.ConnectionString, new Dictionary<string, string?>
        {
            ["ServiceAuth:Key"] = Key,
            ["ServiceAuth:Required"] = "true",
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("POST", "sessions", null)]
    [InlineData("GET", "stats", null)]
    [InlineData("GET", "events", null)]
    [InlineData("GET", "openapi/v1.json", null)]
    [InlineData("POST", "sessions", "not-the-key-not-the-key")]
    public async Task Requests_without_the_right_key_get_401_problem_json(string method, string path, string? key)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("X-McpAspire-Principal", "alice");
        if (key is not null)
        {
            request.Headers.Add("X-McpAspire-Service-Key", key);
        }
        if (method == "POST")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }
        using var response = await _host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Service key required", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_typed_client_with_the_key_works_and_health_needs_no_key()
    {
        // The unauthenticated host client reaches /health (the AppHost's probe) …
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.GetAsync(new Uri("health", UriKind.Relative))).StatusCode);
        // … while an API call through the typed client fails until it carries the key.
        var refused = await Assert.ThrowsAsync<StateServiceException>(() => _host.Client.CreateSessionAsync("alice"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var http = new HttpClient { BaseAddress = _host.Address };
        http.DefaultRequestHeaders.Add("X-McpAspire-Service-Key", Key);
        var client = new StateServiceClient(http);
        var session = await client.CreateSessionAsync("alice");
        Assert.Equal(session.Id, (await client.GetSessionAsync("alice", session.Id))!.Id);
    }
}
