namespace McpAspire.Gateway.Downstream;

/// <summary>
/// SSE polling (SEP-1699) through the gateway: when a downstream ends its POST stream in the middle of a tool call and
/// the gateway's client of it resumes with <c>Last-Event-ID</c>, the gateway ends its own caller's POST stream the same
/// way (a <c>retry:</c> field, then the caller resumes with GET and <c>Last-Event-ID</c> and gets the result there).
/// The call being forwarded is carried in an <see cref="AsyncLocal{T}"/>, which flows into the SDK client's resume.
/// </summary>
public sealed class DownstreamPolling : DelegatingHandler
{
    private static readonly AsyncLocal<Watch?> s_current = new();

    /// <summary>Creates the handler over <paramref name="inner"/>.</summary>
    public DownstreamPolling(HttpMessageHandler inner) : base(inner)
    {
    }

    /// <summary>
    /// Watches the downstream requests of the current async flow until disposed: the first resume (GET with
    /// <c>Last-Event-ID</c>) calls <paramref name="onResume"/> once.
    /// </summary>
    public static IDisposable Begin(Func<CancellationToken, ValueTask> onResume)
    {
        ArgumentNullException.ThrowIfNull(onResume);
        var watch = new Watch(onResume);
        s_current.Value = watch;
        return watch;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method == HttpMethod.Get && request.Headers.Contains("Last-Event-ID") && s_current.Value is { } watch && watch.TryFire())
        {
            await watch.OnResume(cancellationToken).ConfigureAwait(false);
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Watch(Func<CancellationToken, ValueTask> onResume) : IDisposable
    {
        private int _state;

        public Func<CancellationToken, ValueTask> OnResume { get; } = onResume;

        public bool TryFire() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public void Dispose()
        {
            Interlocked.Exchange(ref _state, 2);
            if (s_current.Value == this)
            {
                s_current.Value = null;
            }
        }
    }
}
