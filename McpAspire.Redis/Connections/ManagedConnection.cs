using McpAspire.Redis.Protocol;

namespace McpAspire.Redis.Connections;

/// <summary>
/// The long-lived role of a connection (commands, or pub/sub): holds the current <see cref="PhysicalConnection"/>,
/// replaces it with exponential backoff and jitter when it dies, and lets commands sent while it is down wait for the
/// next one up to their timeout (then fail with <see cref="RedisConnectionException"/>, never hang).
/// </summary>
internal sealed class ManagedConnection : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _owner;
    private readonly ConnectionType _type;
    private readonly IPushHandler? _pushHandler;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _stateLock = new();
    private volatile PhysicalConnection? _current;
    private TaskCompletionSource<PhysicalConnection> _connected = NewSignal();
    private Task? _reconnectLoop;
    private bool _reconnecting;
    private bool _everConnected;
    private Exception? _lastError;

    public ManagedConnection(ConnectionMultiplexer owner, ConnectionType type, IPushHandler? pushHandler)
    {
        _owner = owner;
        _type = type;
        _pushHandler = pushHandler;
    }

    /// <summary>Runs after each (re)connect, before the connection is used by callers (pub/sub resubscribes here).</summary>
    public Func<PhysicalConnection, CancellationToken, Task>? OnConnectedAsync { get; init; }

    public PhysicalConnection? Current => _current is { IsAlive: true } c ? c : null;

    public bool IsConnected => Current is not null;

    public Exception? LastError => _lastError;

    /// <summary>Sends on the current connection, or waits (up to the command timeout) for the next one.</summary>
    public Task<T> SendAsync<T>(RedisCommand command, ReadOnlySpan<RedisValue> args, ResultProcessor<T> processor, int database, CancellationToken cancellationToken)
    {
        if (_current is { IsAlive: true } connection)
        {
            return connection.SendAsync(command, args, processor, database, cancellationToken);
        }
        return SendWhenConnectedAsync(command, args.ToArray(), processor, database, cancellationToken);
    }

    private async Task<T> SendWhenConnectedAsync<T>(RedisCommand command, RedisValue[] args, ResultProcessor<T> processor, int database, CancellationToken cancellationToken)
    {
        var connection = await WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.SendAsync(command, args, processor, database, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The live connection, waiting up to asyncTimeout for a reconnect.</summary>
    public async Task<PhysicalConnection> WaitForConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (Current is { } c)
        {
            return c;
        }
        EnsureReconnecting();
        Task<PhysicalConnection> signal;
        lock (_stateLock)
        {
            signal = _connected.Task;
        }
        var timeout = TimeSpan.FromMilliseconds(_owner.Options.AsyncTimeout);
        try
        {
            var connection = await signal.WaitAsync(timeout, _owner.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            return connection.IsAlive ? connection : throw NotConnected(timeout);
        }
        catch (TimeoutException)
        {
            throw NotConnected(timeout);
        }
    }

    private RedisConnectionException NotConnected(TimeSpan waited) => new(
        ConnectionFailureType.UnableToConnect,
        $"No connection to {_owner.EndPointsText} is available ({_type}); waited {waited.TotalMilliseconds:0} ms. Last error: {_lastError?.Message ?? "none"}",
        _lastError);

    /// <summary>The first connect, tried <paramref name="attempts"/> times over every endpoint.</summary>
    public async Task ConnectFirstAsync(int attempts, CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                var connection = await _owner.ConnectAnyAsync(_type, _pushHandler, enableTimeouts: true, cancellationToken).ConfigureAwait(false);
                await ActivateAsync(connection, restored: false).ConfigureAwait(false);
                return;
            }
            catch (RedisConnectionException ex)
            {
                last = ex;
                _lastError = ex;
                _owner.LogAttemptFailed(attempt, _type, ex);
                if (ex.FailureType == ConnectionFailureType.AuthenticationFailure)
                {
                    break; // retrying a wrong password helps nobody
                }
            }
            if (attempt < attempts)
            {
                await Task.Delay(Backoff(attempt), _owner.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        throw last as RedisConnectionException ?? new RedisConnectionException(ConnectionFailureType.UnableToConnect, $"Unable to connect to {_owner.EndPointsText}.", last);
    }

    /// <summary>Starts the background reconnect loop unless it already runs.</summary>
    public void EnsureReconnecting()
    {
        lock (_stateLock)
        {
            // A flag, not the loop task's state: a connection can die after the loop published it but before the
            // loop's task completed, and that failure must still start a new loop.
            if (_disposed.IsCancellationRequested || _current is { IsAlive: true } || _reconnecting)
            {
                return;
            }
            _reconnecting = true;
            _reconnectLoop = Task.Run(ReconnectLoopAsync);
        }
    }

    private async Task ReconnectLoopAsync()
    {
        var attempt = 0;
        while (!_disposed.IsCancellationRequested)
        {
            try
            {
                var connection = await _owner.ConnectAnyAsync(_type, _pushHandler, enableTimeouts: true, _disposed.Token).ConfigureAwait(false);
                await ActivateAsync(connection, restored: true).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException ex)
            {
                // Unreachable, refused, or the post-connect hook (resubscribe) failed: try again later.
                _lastError = ex;
                _owner.LogAttemptFailed(attempt + 1, _type, ex);
            }
            attempt++;
            try
            {
                await Task.Delay(Backoff(attempt), _owner.Options.TimeProvider, _disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>base × 2^(attempt−1), capped, times a jitter factor in [0.5, 1].</summary>
    private TimeSpan Backoff(int attempt)
    {
        var options = _owner.Options;
        var exponential = options.ReconnectBaseDelay * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exponential, options.ReconnectMaxDelay);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    private async Task ActivateAsync(PhysicalConnection connection, bool restored)
    {
        if (OnConnectedAsync is { } hook)
        {
            try
            {
                await hook(connection, _disposed.Token).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        TaskCompletionSource<PhysicalConnection> signal;
        lock (_stateLock)
        {
            if (_disposed.IsCancellationRequested)
            {
                _ = connection.DisposeAsync().AsTask();
                return;
            }
            _current = connection;
            _reconnecting = false;
            // The first connection of a lazily started multiplexer is not a "restore".
            restored &= _everConnected;
            _everConnected = true;
            signal = _connected;
        }
        connection.Failed += OnFailed;
        if (!connection.IsAlive)
        {
            // Died between the handshake and now: make sure the failure path runs.
            OnFailed(connection, connection.DeadConnectionException());
        }
        signal.TrySetResult(connection);
        if (restored)
        {
            _owner.RaiseRestored(connection.EndPoint, _type);
        }
    }

    private void OnFailed(PhysicalConnection connection, RedisConnectionException failure)
    {
        lock (_stateLock)
        {
            if (!ReferenceEquals(_current, connection))
            {
                return;
            }
            _current = null;
            _lastError = failure;
            if (_connected.Task.IsCompleted)
            {
                _connected = NewSignal();
            }
        }
        _ = connection.DisposeAsync().AsTask();
        _owner.RaiseFailed(connection.EndPoint, _type, failure);
        EnsureReconnecting();
    }

    public async ValueTask DisposeAsync()
    {
        PhysicalConnection? current;
        Task? loop;
        lock (_stateLock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }
            _disposed.Cancel();
            current = _current;
            _current = null;
            loop = _reconnectLoop;
            _connected.TrySetException(new RedisConnectionException(ConnectionFailureType.ConnectionDisposed, "The connection multiplexer was disposed."));
        }
        if (current is not null)
        {
            await current.DisposeAsync().ConfigureAwait(false);
        }
        if (loop is not null)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RedisException)
            {
            }
        }
        _disposed.Dispose();
    }

    private static TaskCompletionSource<PhysicalConnection> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
