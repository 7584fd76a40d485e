using System.Reflection;
using McpAspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Eventing;
using Microsoft.Extensions.Configuration;

namespace McpAspire.Hosting.Testing;

/// <summary>Creates a testing builder from an AppHost's entry point (the shape of Aspire.Hosting.Testing).</summary>
public static class DistributedApplicationTestingBuilder
{
    private static readonly TimeSpan s_builderTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <typeparamref name="TEntryPoint"/>'s program up to its <c>Build()</c> call and returns its builder.</summary>
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default) where TEntryPoint : class =>
        CreateAsync<TEntryPoint>([], cancellationToken);

    /// <summary>Same, with command-line arguments for the AppHost.</summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default) where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(args);
        var assembly = typeof(TEntryPoint).Assembly;
        var entryPoint = assembly.EntryPoint
            ?? throw new InvalidOperationException($"Assembly {assembly.GetName().Name} has no entry point; pass the AppHost's Program type.");
        var builderReady = new TaskCompletionSource<DistributedApplicationBuilder>(TaskCreationOptions.RunContinuationsAsynchronously);
        var proceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var built = new TaskCompletionSource<DistributedApplication>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hook = new DistributedApplicationHook
        {
            AppHostAssembly = assembly,
            OnCreating = (_, configuration) =>
            {
                configuration["AppHost:RandomizePorts"] = "true";
                // Off unless the test asks for it (--AppHost:DisableDashboard=false), as Aspire's testing builder does.
                configuration["AppHost:DisableDashboard"] ??= "true";
                configuration["AppHost:EchoConsole"] = "false";
            },
            OnBuilding = b =>
            {
                builderReady.TrySetResult(b);
                // The program's thread waits here until the test calls BuildAsync (or disposes the builder).
                proceed.Task.GetAwaiter().GetResult();
            },
            OnBuilt = app =>
            {
                built.TrySetResult(app);
                throw new EntryPointAbortedException();
            },
        };

        var thread = new Thread(() =>
        {
            DistributedApplicationHook.Current = hook;
            try
            {
                var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]);
                if (result is Task task)
                {
                    task.GetAwaiter().GetResult();
                }
                var error = new InvalidOperationException($"{assembly.GetName().Name}'s entry point returned without calling Build() on its DistributedApplication builder.");
                builderReady.TrySetException(error);
                built.TrySetException(error);
            }
            catch (Exception ex)
            {
                var inner = ex is TargetInvocationException { InnerException: { } i } ? i : ex;
                if (inner is not EntryPointAbortedException and not TaskCanceledException)
                {
                    builderReady.TrySetException(inner);
                    built.TrySetException(inner);
                }
            }
        })
        {
            IsBackground = true,
            Name = $"AppHost entry point ({assembly.GetName().Name})",
        };
        thread.Start();

        try
        {
            var builder = await builderReady.Task.WaitAsync(s_builderTimeout, cancellationToken).ConfigureAwait(false);
            return new TestingBuilder(builder, proceed, built);
        }
        catch (TimeoutException ex)
        {
            proceed.TrySetCanceled();
            throw new TimeoutException($"{assembly.GetName().Name}'s entry point did not reach Build() within {s_builderTimeout.TotalSeconds:0} s.", ex);
        }
    }

    private sealed class TestingBuilder : IDistributedApplicationTestingBuilder
    {
        private readonly DistributedApplicationBuilder _inner;
        private readonly TaskCompletionSource _proceed;
        private readonly TaskCompletionSource<DistributedApplication> _built;

        public TestingBuilder(DistributedApplicationBuilder inner, TaskCompletionSource proceed, TaskCompletionSource<DistributedApplication> built)
        {
            _inner = inner;
            _proceed = proceed;
            _built = built;
        }

        public ConfigurationManager Configuration => _inner.Configuration;

        public DistributedApplicationExecutionContext ExecutionContext => _inner.ExecutionContext;

        public string AppHostDirectory => _inner.AppHostDirectory;

        public IList<IResource> Resources => _inner.Resources;

        public IDistributedApplicationEventing Eventing => _inner.Eventing;

        public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource => _inner.AddResource(resource);

        public DistributedApplication Build() => BuildAsync().GetAwaiter().GetResult();

        public async Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default)
        {
            _proceed.TrySetResult();
            return await _built.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync()
        {
            // Not built: release the program's thread so it ends.
            _proceed.TrySetCanceled();
            return ValueTask.CompletedTask;
        }
    }
}
