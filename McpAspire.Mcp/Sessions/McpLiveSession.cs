using ModelContextProtocol.Server;

namespace McpAspire.Mcp.Sessions;

/// <summary>
/// The in-process half of a 2025-era session: the SDK transport and <see cref="McpServer"/> serving it on this replica.
/// The durable half is the <see cref="McpSessionRecord"/> in the <see cref="IMcpSessionStore"/>.
/// </summary>
internal sealed class McpLiveSession(string id, string? userId, StreamableHttpServerTransport transport, TimeProvider timeProvider) : IAsyncDisposable
{
    private readonly CancellationTokenSource _closed = new();
    private int _getStreamOpen;
    private int _disposed;
    private long _lastActivity = timeProvider.GetTimestamp();
    private long _lastValidated = timeProvider.GetTimestamp();

    public string Id => id;

    public string? UserId => userId;

    public StreamableHttpServerTransport Transport => transport;

    public McpServer? Server { get; set; }

    public Task RunTask { get; set; } = Task.CompletedTask;

    /// <summary>True once the session's record is in the store (initialize succeeded) or it was re-hydrated from it.</summary>
    public bool Recorded { get; set; }

    /// <summary>
    /// The protocol version negotiated at initialize, for a session re-hydrated from its record (null for one started
    /// here): its server never saw initialize, so each request tells it.
    /// </summary>
    public string? HydratedProtocolVersion { get; init; }

    /// <summary>Cancelled when the session ends on this replica (DELETE, expiry, shutdown).</summary>
    public CancellationToken Closed => _closed.Token;

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public void MarkActive() => Volatile.Write(ref _lastActivity, timeProvider.GetTimestamp());

    public TimeSpan IdleFor => timeProvider.GetElapsedTime(Volatile.Read(ref _lastActivity));

    /// <summary>True when the record should be re-checked against the store (and its TTL slid).</summary>
    public bool NeedsValidation(TimeSpan interval) => timeProvider.GetElapsedTime(Volatile.Read(ref _lastValidated)) >= interval;

    public void MarkValidated() => Volatile.Write(ref _lastValidated, timeProvider.GetTimestamp());

    /// <summary>Claims the session's single standalone GET stream; false when one is already open.</summary>
    public bool TryOpenGetStream() => Interlocked.CompareExchange(ref _getStreamOpen, 1, 0) == 0;

    public void CloseGetStream() => Volatile.Write(ref _getStreamOpen, 0);

    /// <summary>True while a client holds the standalone GET stream open (the session is in use).</summary>
    public bool HasGetStream => Volatile.Read(ref _getStreamOpen) != 0;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            await _closed.CancelAsync().ConfigureAwait(false);
            try
            {
                await RunTask.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        finally
        {
            if (Server is not null)
            {
                await Server.DisposeAsync().ConfigureAwait(false);
            }
            _closed.Dispose();
        }
    }
}
