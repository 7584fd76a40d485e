using System.Collections.Concurrent;
using McpAspire.Hosting.Notifications;
using McpAspire.Hosting.Testing;

namespace McpAspire.Hosting.Tests.EndToEnd;

/// <summary>
/// One real McpAspire.AppHost started through the testing builder and shared by the tests of <see cref="AppHostCollection"/>
/// (a start costs a few seconds on two cores). It records when each resource was first seen in each state.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    public static readonly string[] Resources = ["redis", "statesvc", "toolhost", "gateway"];

    private readonly CancellationTokenSource _watchStop = new();
    private Task? _watch;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>First time (UTC) each resource reached each state.</summary>
    public ConcurrentDictionary<(string Resource, ResourceState State), DateTimeOffset> FirstSeen { get; } = new();

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(cts.Token);
        App = await builder.BuildAsync(cts.Token);
        // Subscribe before starting (the first MoveNextAsync registers the watcher), so no transition is missed.
        var watcher = App.ResourceNotifications.WatchAsync(_watchStop.Token).GetAsyncEnumerator(_watchStop.Token);
        Assert.True(await watcher.MoveNextAsync());
        FirstSeen.TryAdd((watcher.Current.Name, watcher.Current.State), DateTimeOffset.UtcNow);
        _watch = Task.Run(async () =>
        {
            try
            {
                while (await watcher.MoveNextAsync())
                {
                    FirstSeen.TryAdd((watcher.Current.Name, watcher.Current.State), DateTimeOffset.UtcNow);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                await watcher.DisposeAsync();
            }
        });
        await App.StartAsync(cts.Token);
        await Task.WhenAll(Resources.Select(r => App.ResourceNotifications.WaitForResourceHealthyAsync(r, cts.Token)));
    }

    public async Task DisposeAsync()
    {
        await _watchStop.CancelAsync();
        if (_watch is not null)
        {
            await _watch;
        }
        await App.DisposeAsync();
        _watchStop.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "Shared AppHost";
}
