using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using McpAspire.Redis.Commands;
using McpAspire.Redis.Connections;
using McpAspire.Redis.PubSub;
using McpAspire.Redis.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.Redis;

/// <summary>
/// One multiplexed, pipelined connection to a Redis server for any number of concurrent callers, plus a pub/sub
/// connection and dedicated connections for blocking commands. Shaped like StackExchange.Redis's
/// <c>ConnectionMultiplexer</c>; create one per application and share it. Cluster routing is not supported.
/// </summary>
public sealed class ConnectionMultiplexer : IConnectionMultiplexer
{
    private readonly TextWriter? _log;
    private readonly ManagedConnection _interactive;
    private readonly Lazy<RedisSubscriber> _subscriber;
    private readonly BlockingConnectionPool _blockingPool;
    private readonly ConcurrentDictionary<string, byte[]> _scriptHashes = new(StringComparer.Ordinal);

    // Scripts are usually static strings: finding one by reference skips hashing its whole text on every call.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<string, byte[]> _scriptHashesByInstance = [];
    private readonly RedisDatabase[] _databases = new RedisDatabase[16];
    private readonly ILogger _logger;
    private int _disposed;

    private ConnectionMultiplexer(ConfigurationOptions options, TextWriter? log)
    {
        Options = options;
        _log = log;
        _interactive = new ManagedConnection(this, ConnectionType.Interactive, null);
        _subscriber = new Lazy<RedisSubscriber>(() => new RedisSubscriber(this), LazyThreadSafetyMode.ExecutionAndPublication);
        _blockingPool = new BlockingConnectionPool(this);
        EndPointsText = string.Join(",", options.EndPoints.Select(ConfigurationOptions.FormatEndPoint));
        _logger = options.LoggerFactory?.CreateLogger("McpAspire.Redis.ConnectionMultiplexer") ?? NullLogger.Instance;
    }

    internal ConfigurationOptions Options { get; }

    internal string EndPointsText { get; }

    internal ManagedConnection Interactive => _interactive;

    internal BlockingConnectionPool BlockingPool => _blockingPool;

    /// <inheritdoc />
    public bool IsConnected => _interactive.IsConnected;

    /// <inheritdoc />
    public string ClientName => Options.ClientName ?? string.Empty;

    /// <inheritdoc />
    public string Configuration => Options.ToString(includePassword: false);

    /// <summary>True when the command connection negotiated RESP3.</summary>
    public bool IsResp3 => _interactive.Current?.IsResp3 ?? false;

    /// <inheritdoc />
    public event EventHandler<ConnectionFailedEventArgs>? ConnectionFailed;

    /// <inheritdoc />
    public event EventHandler<ConnectionFailedEventArgs>? ConnectionRestored;

    /// <summary>Connects with a StackExchange.Redis-format string or a redis:// URI.</summary>
    public static Task<ConnectionMultiplexer> ConnectAsync(string configuration, TextWriter? log = null) =>
        ConnectAsync(ConfigurationOptions.Parse(configuration), log);

    /// <summary>
    /// Connects. With <see cref="ConfigurationOptions.AbortOnConnectFail"/> (the default) it throws
    /// <see cref="RedisConnectionException"/> when no endpoint answers after <see cref="ConfigurationOptions.ConnectRetry"/>
    /// attempts; otherwise it returns at once and keeps reconnecting in the background.
    /// </summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions options, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        var multiplexer = new ConnectionMultiplexer(options, log);
        try
        {
            await multiplexer._interactive.ConnectFirstAsync(options.AbortOnConnectFail ? options.ConnectRetry : 1, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RedisConnectionException) when (!options.AbortOnConnectFail)
        {
            multiplexer._interactive.EnsureReconnecting();
        }
        catch
        {
            await multiplexer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return multiplexer;
    }

    /// <summary>
    /// A multiplexer that connects in the background and never throws for an unreachable server (what
    /// <c>abortConnect=false</c> gives, without waiting for the first attempt): for DI registration at start-up.
    /// </summary>
    public static ConnectionMultiplexer CreateLazy(ConfigurationOptions options, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.AbortOnConnectFail = false;
        options.Validate();
        var multiplexer = new ConnectionMultiplexer(options, log);
        multiplexer._interactive.EnsureReconnecting();
        return multiplexer;
    }

    /// <inheritdoc />
    public IDatabase GetDatabase(int db = -1, object? asyncState = null)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (db < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(db), db, "A database index is 0 or more (-1: the default).");
        }
        if (db == -1)
        {
            db = Options.DefaultDatabase ?? 0;
        }
        if (db < _databases.Length)
        {
            return _databases[db] ??= new RedisDatabase(this, db);
        }
        return new RedisDatabase(this, db);
    }

    /// <inheritdoc />
    public ISubscriber GetSubscriber(object? asyncState = null)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _subscriber.Value;
    }

    /// <inheritdoc />
    public Task CloseAsync(bool allowCommandsToComplete = true) => DisposeAsync().AsTask();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _interactive.DisposeAsync().ConfigureAwait(false);
        if (_subscriber.IsValueCreated)
        {
            await _subscriber.Value.DisposeAsync().ConfigureAwait(false);
        }
        await _blockingPool.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Disposes without blocking on the network: connections are closed in the background.</summary>
    public void Dispose() => _ = DisposeAsync().AsTask();

    /// <inheritdoc />
    public override string ToString() => Configuration;

    /// <summary>Opens a connection to the first endpoint that answers.</summary>
    internal async Task<PhysicalConnection> ConnectAnyAsync(ConnectionType type, IPushHandler? pushHandler, bool enableTimeouts, CancellationToken cancellationToken)
    {
        List<Exception>? errors = null;
        foreach (var endPoint in Options.EndPoints)
        {
            try
            {
                var connection = await PhysicalConnection.ConnectAsync(Options, endPoint, type, pushHandler, enableTimeouts, cancellationToken).ConfigureAwait(false);
                var protocol = connection.IsResp3 ? "RESP3" : "RESP2";
                Log($"Connected to {ConfigurationOptions.FormatEndPoint(endPoint)} ({type}, {protocol}).");
                RedisLog.Connected(_logger, ConfigurationOptions.FormatEndPoint(endPoint), type, protocol);
                return connection;
            }
            catch (RedisConnectionException ex)
            {
                (errors ??= []).Add(ex);
                if (ex.FailureType == ConnectionFailureType.AuthenticationFailure)
                {
                    throw;
                }
            }
        }
        if (errors is [RedisConnectionException single])
        {
            throw single;
        }
        throw new RedisConnectionException(ConnectionFailureType.UnableToConnect,
            $"Unable to connect to any of {EndPointsText}: {string.Join("; ", errors?.Select(e => e.Message) ?? [])}",
            errors is null ? null : new AggregateException(errors));
    }

    /// <summary>SHA1 (hex, lower case) of a script, computed once.</summary>
    internal byte[] ScriptHash(string script)
    {
        if (_scriptHashesByInstance.TryGetValue(script, out var known))
        {
            return known;
        }
        var sha = _scriptHashes.GetOrAdd(script, static s =>
        {
#pragma warning disable CA5350 // SHA1 is what EVALSHA is defined with, not a security use.
            var hash = SHA1.HashData(Encoding.UTF8.GetBytes(s));
#pragma warning restore CA5350
            return Encoding.ASCII.GetBytes(Convert.ToHexStringLower(hash));
        });
        _scriptHashesByInstance.AddOrUpdate(script, sha);
        return sha;
    }

    internal void LogAttemptFailed(int attempt, ConnectionType type, Exception error)
    {
        Log($"Connect attempt {attempt} ({type}) failed: {error.Message}");
        RedisLog.ConnectAttemptFailed(_logger, attempt, type, error.Message);
    }

    internal void LogHandlerFailed(RedisChannel channel, Exception error)
    {
        Log($"A pub/sub handler for {channel} threw: {error.Message}");
        RedisLog.HandlerFailed(_logger, channel.ToString(), error);
    }

    internal void Log(string message)
    {
        if (_log is { } log)
        {
            lock (log)
            {
                log.WriteLine(message);
            }
        }
    }

    internal void RaiseFailed(EndPoint endPoint, ConnectionType type, RedisConnectionException failure)
    {
        Log($"Connection failed ({type}): {failure.Message}");
        RedisLog.ConnectionFailed(_logger, type, failure.FailureType, ConfigurationOptions.FormatEndPoint(endPoint), failure.Message, failure);
        if (ConnectionFailed is { } handler)
        {
            var args = new ConnectionFailedEventArgs(endPoint, type, failure.FailureType, failure);
            ThreadPool.QueueUserWorkItem(static s => s.handler(s.sender, s.args), (handler, sender: (object)this, args), preferLocal: false);
        }
    }

    internal void RaiseRestored(EndPoint endPoint, ConnectionType type)
    {
        Log($"Connection restored ({type}) to {ConfigurationOptions.FormatEndPoint(endPoint)}.");
        RedisLog.ConnectionRestored(_logger, type, ConfigurationOptions.FormatEndPoint(endPoint));
        if (ConnectionRestored is { } handler)
        {
            var args = new ConnectionFailedEventArgs(endPoint, type, ConnectionFailureType.None, null);
            ThreadPool.QueueUserWorkItem(static s => s.handler(s.sender, s.args), (handler, sender: (object)this, args), preferLocal: false);
        }
    }
}
