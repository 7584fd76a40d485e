using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using McpAspire.Redis.Protocol;
using McpAspire.Redis.Telemetry;

namespace McpAspire.Redis.Connections;

/// <summary>
/// One socket to one server. Callers encode their command into a shared buffer under a short lock and queue their
/// reply sink in the same order; a write loop swaps buffers and sends everything queued since its last write in one
/// call (so concurrent callers are pipelined automatically); a read loop parses replies from a <see cref="PipeReader"/>
/// and completes sinks in order. When the socket dies every queued command fails at once.
/// </summary>
internal sealed class PhysicalConnection : IAsyncDisposable
{
    private readonly Lock _writeLock = new();
    private readonly Lock _pendingLock = new();
    private readonly Queue<IReplySink> _pending = new();
    private readonly FrameScanner _scanner = new();
    private readonly WriteSignal _writeSignal = new();
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly IPushHandler? _pushHandler;
    private readonly int _timeoutMs;
    private readonly ITimer? _timeoutTimer;
    private long _lastReadAt = Environment.TickCount64;
    private OutputBuffer _out = new();
    private OutputBuffer _spare = new();
    private bool _flushPending;
    private int _currentDb;
    private volatile bool _failed;
    private RedisConnectionException? _failure;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;

    private PhysicalConnection(Socket socket, Stream stream, EndPoint endPoint, ConnectionType type, IPushHandler? pushHandler, int timeoutMs, TimeProvider timeProvider)
    {
        _socket = socket;
        _stream = stream;
        EndPoint = endPoint;
        ConnectionType = type;
        _pushHandler = pushHandler;
        _timeoutMs = timeoutMs;
        var (host, port) = ConfigurationOptions.HostAndPort(endPoint);
        Tags = new EndpointTags(host, port);
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 8 * 1024, leaveOpen: true));
        if (timeoutMs > 0)
        {
            var period = TimeSpan.FromMilliseconds(Math.Clamp(timeoutMs / 4, 20, 1000));
            _timeoutTimer = timeProvider.CreateTimer(static s => ((PhysicalConnection)s!).CheckTimeouts(), this, period, period);
        }
    }

    public EndPoint EndPoint { get; }

    public ConnectionType ConnectionType { get; }

    public EndpointTags Tags { get; }

    /// <summary>True after HELLO 3 succeeded.</summary>
    public bool IsResp3 { get; private set; }

    /// <summary>The server's version from HELLO, when known.</summary>
    public string? ServerVersion { get; private set; }

    public bool IsAlive => !_failed;

    /// <summary>Raised once when the connection dies (not when disposed on purpose).</summary>
    public event Action<PhysicalConnection, RedisConnectionException>? Failed;

    /// <summary>Connects, starts the loops and runs the handshake (HELLO 3 or AUTH, SELECT, CLIENT SETNAME).</summary>
    public static async Task<PhysicalConnection> ConnectAsync(ConfigurationOptions options, EndPoint endPoint, ConnectionType type, IPushHandler? pushHandler, bool enableTimeouts, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = endPoint is IPEndPoint ip ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        // TCP keep-alive notices a vanished peer on an idle connection (the timeout sweeper covers busy ones).
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        PhysicalConnection? connection = null;
        try
        {
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = options.SslHost ?? ConfigurationOptions.HostAndPort(endPoint).Host,
                    EnabledSslProtocols = options.SslProtocols,
                    RemoteCertificateValidationCallback = options.CertificateValidation,
                }, timeout.Token).ConfigureAwait(false);
                stream = ssl;
            }
            connection = new PhysicalConnection(socket, stream, endPoint, type, pushHandler, enableTimeouts ? options.AsyncTimeout : 0, options.TimeProvider);
            connection.Start();
            await connection.HandshakeAsync(options, timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            socket.Dispose();
            var where = ConfigurationOptions.FormatEndPoint(endPoint);
            throw ex switch
            {
                RedisConnectionException rce => rce,
                OperationCanceledException when !cancellationToken.IsCancellationRequested =>
                    new RedisConnectionException(ConnectionFailureType.UnableToConnect, $"Connecting to {where} timed out after {options.ConnectTimeout} ms (connectTimeout).", ex),
                OperationCanceledException => ex,
                RedisServerException rse => new RedisConnectionException(ConnectionFailureType.AuthenticationFailure, $"Handshake with {where} failed: {rse.Message}", rse),
                _ => new RedisConnectionException(ConnectionFailureType.UnableToConnect, $"Unable to connect to {where}: {ex.Message}", ex),
            };
        }
    }

    /// <summary>Queues a command; the task completes with its reply, or fails when the connection dies or times out.</summary>
    public Task<T> SendAsync<T>(RedisCommand command, ReadOnlySpan<RedisValue> args, ResultProcessor<T> processor, int database, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        var box = new ReplyBox<T>(command, processor);
        box.StartTelemetry(Tags);
        if (!TryWrite(command, args, box, database))
        {
            box.SetFailure(DeadConnectionException());
            return box.Task;
        }
        box.RegisterCancellation(cancellationToken);
        return box.Task;
    }

    /// <summary>Writes several commands with no other caller's command between them (MULTI … EXEC).</summary>
    public bool TryWriteAtomically(ReadOnlySpan<(RedisCommand Command, RedisValue[] Args, IReplySink Sink)> commands, int database)
    {
        bool signal;
        lock (_writeLock)
        {
            if (_failed)
            {
                return false;
            }
            SelectDatabase(database);
            foreach (var (command, args, sink) in commands)
            {
                RespWriter.WriteCommand(_out, command, args);
                lock (_pendingLock)
                {
                    _pending.Enqueue(sink);
                }
            }
            signal = !_flushPending;
            _flushPending = true;
        }
        if (signal)
        {
            _writeSignal.Set();
        }
        return true;
    }

    public RedisConnectionException DeadConnectionException() =>
        _failure ?? new RedisConnectionException(ConnectionFailureType.SocketClosed, $"The connection to {ConfigurationOptions.FormatEndPoint(EndPoint)} is closed.");

    /// <summary>State for failure messages and tests.</summary>
    internal string Diagnostics
    {
        get
        {
            int pending;
            string head;
            lock (_pendingLock)
            {
                pending = _pending.Count;
                head = _pending.TryPeek(out var first) ? $"{(first as IHasCommand)?.CommandName} completed={first.IsCompleted} age={Environment.TickCount64 - first.QueuedAt}ms" : "-";
            }
            return $"pending={pending} (head {head}), unsent={_out.Count}, flushPending={_flushPending}, failed={_failed}, readLoop={_readLoop.Status}, writeLoop={_writeLoop.Status}";
        }
    }

    /// <summary>Number of commands sent and not yet answered.</summary>
    public int PendingCount
    {
        get
        {
            lock (_pendingLock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Kills the connection: every queued command fails with <paramref name="failure"/>.</summary>
    public void Fail(RedisConnectionException failure, bool raiseEvent = true)
    {
        lock (_writeLock)
        {
            if (_failed)
            {
                return;
            }
            _failure = failure;
            _failed = true;
        }
        _timeoutTimer?.Dispose();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Dispose();
        _writeSignal.Set();
        List<IReplySink> orphans;
        lock (_pendingLock)
        {
            orphans = [.. _pending];
            _pending.Clear();
        }
        foreach (var sink in orphans)
        {
            sink.SetFailure(failure);
        }
        if (raiseEvent)
        {
            Failed?.Invoke(this, failure);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Fail(new RedisConnectionException(ConnectionFailureType.ConnectionDisposed, $"The connection to {ConfigurationOptions.FormatEndPoint(EndPoint)} was closed by the client."), raiseEvent: false);
        try
        {
            await Task.WhenAll(_readLoop, _writeLoop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or RedisException)
        {
        }
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        lock (_writeLock)
        {
            _out.Dispose();
            _spare.Dispose();
        }
    }

    private void Start()
    {
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    private bool TryWrite(RedisCommand command, ReadOnlySpan<RedisValue> args, IReplySink sink, int database)
    {
        bool signal;
        lock (_writeLock)
        {
            if (_failed)
            {
                return false;
            }
            SelectDatabase(database);
            RespWriter.WriteCommand(_out, command, args);
            lock (_pendingLock)
            {
                _pending.Enqueue(sink);
            }
            signal = !_flushPending;
            _flushPending = true;
        }
        if (signal)
        {
            _writeSignal.Set();
        }
        return true;
    }

    /// <summary>Switches database in-stream when a command targets another one (caller holds the write lock).</summary>
    private void SelectDatabase(int database)
    {
        if (database < 0 || database == _currentDb)
        {
            return;
        }
        RespWriter.WriteCommand(_out, RedisCommand.Select, [database]);
        lock (_pendingLock)
        {
            _pending.Enqueue(new SelectSink(this, database));
        }
        _currentDb = database;
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (true)
            {
                await _writeSignal.WaitAsync().ConfigureAwait(false);
                OutputBuffer batch;
                lock (_writeLock)
                {
                    if (_failed)
                    {
                        return;
                    }
                    batch = _out;
                    _out = _spare;
                    _spare = batch;
                    _flushPending = false;
                }
                if (batch.Count > 0)
                {
                    await _stream.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
                }
                batch.Reset();
            }
        }
#pragma warning disable CA1031 // Whatever breaks the write loop must fail the connection, or callers would wait forever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fail(new RedisConnectionException(ConnectionFailureType.SocketFailure, $"Writing to {ConfigurationOptions.FormatEndPoint(EndPoint)} failed: {ex.Message}", ex));
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync().ConfigureAwait(false);
                Volatile.Write(ref _lastReadAt, Environment.TickCount64);
                var buffer = result.Buffer;
                while (_scanner.TryFindEnd(buffer, out var end))
                {
                    Dispatch(buffer.Slice(0, end));
                    buffer = buffer.Slice(end);
                }
                if (result.IsCompleted || result.IsCanceled)
                {
                    var where = ConfigurationOptions.FormatEndPoint(EndPoint);
                    Fail(buffer.IsEmpty
                        ? new RedisConnectionException(ConnectionFailureType.SocketClosed, $"The server {where} closed the connection.")
                        : new RedisProtocolException($"The server {where} closed the connection in the middle of a reply ({buffer.Length} bytes of an incomplete frame)."));
                    return;
                }
                _reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (RedisProtocolException ex)
        {
            Fail(new RedisProtocolException($"Protocol error from {ConfigurationOptions.FormatEndPoint(EndPoint)}: {ex.Message}", ex));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Fail(new RedisConnectionException(ConnectionFailureType.SocketFailure, $"Reading from {ConfigurationOptions.FormatEndPoint(EndPoint)} failed: {ex.Message}", ex));
        }
#pragma warning disable CA1031 // Whatever breaks the read loop must fail the connection, or callers would wait forever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fail(new RedisConnectionException(ConnectionFailureType.InternalFailure, $"The read loop for {ConfigurationOptions.FormatEndPoint(EndPoint)} failed: {ex.GetType().Name}: {ex.Message}", ex));
        }
    }

    private void Dispatch(in ReadOnlySequence<byte> raw)
    {
        var frame = RespFrame.Parse(raw);
        if (frame.Type == ResultType.Push || (_pushHandler is not null && frame.IsAggregate))
        {
            if (_pushHandler is not null && IsMessage(frame))
            {
                _pushHandler.OnMessage(frame);
                return;
            }
            if (frame.Type == ResultType.Push && (_pushHandler is null || !IsSubscriptionReply(frame)))
            {
                return; // out-of-band push (e.g. client tracking) nobody asked for
            }
        }
        IReplySink? sink;
        lock (_pendingLock)
        {
            _pending.TryDequeue(out sink);
        }
        if (sink is null)
        {
            throw new RedisProtocolException($"Received a {frame.Type} reply with no command waiting for it.");
        }
        sink.SetReply(frame);
    }

    private static bool IsMessage(in RespFrame frame)
    {
        if (frame.Count < 3)
        {
            return false;
        }
        var kind = frame.Children().Next();
        if (kind.Type is not (ResultType.BulkString or ResultType.SimpleString))
        {
            return false;
        }
        var span = kind.Payload.IsSingleSegment ? kind.Payload.FirstSpan : kind.Payload.ToArray();
        return span.SequenceEqual("message"u8) || span.SequenceEqual("pmessage"u8) || span.SequenceEqual("smessage"u8);
    }

    private static bool IsSubscriptionReply(in RespFrame frame)
    {
        if (frame.Count < 2)
        {
            return false;
        }
        var kind = frame.Children().Next();
        var span = kind.Payload.IsSingleSegment ? kind.Payload.FirstSpan : kind.Payload.ToArray();
        return span.EndsWith("subscribe"u8);
    }

    private void CheckTimeouts()
    {
        if (_failed)
        {
            return;
        }
        var cutoff = Environment.TickCount64 - _timeoutMs;
        List<IReplySink>? expired = null;
        var waiting = 0;
        lock (_pendingLock)
        {
            foreach (var sink in _pending)
            {
                if (sink.QueuedAt > cutoff)
                {
                    break;
                }
                waiting++;
                if (!sink.IsCompleted)
                {
                    (expired ??= []).Add(sink);
                }
            }
        }
        if (waiting == 0)
        {
            return;
        }
        var where = ConfigurationOptions.FormatEndPoint(EndPoint);
        foreach (var sink in expired ?? [])
        {
            var name = sink is IHasCommand c ? c.CommandName : "command";
            sink.SetFailure(new RedisTimeoutException($"Timeout awaiting the reply to {name} from {where} after {_timeoutMs} ms (asyncTimeout); {waiting} commands were waiting longer than that."));
        }
        // Commands are waiting and nothing at all has arrived for two timeouts: the server is frozen or the network
        // path is gone without a FIN. Drop the connection so a fresh one is tried instead of timing out forever.
        var silentFor = Environment.TickCount64 - Volatile.Read(ref _lastReadAt);
        if (silentFor > 2L * _timeoutMs)
        {
            Fail(new RedisConnectionException(ConnectionFailureType.SocketFailure, $"No data from {where} for {silentFor} ms while {waiting} commands were waiting; the connection is considered dead."));
        }
    }

    private async Task HandshakeAsync(ConfigurationOptions options, CancellationToken cancellationToken)
    {
        var helloDone = false;
        if (options.Protocol == RedisProtocol.Resp3)
        {
            var args = new List<RedisValue> { 3 };
            if (options.Password is not null)
            {
                args.Add("AUTH");
                args.Add(options.User ?? "default");
                args.Add(options.Password);
            }
            if (options.ClientName is not null)
            {
                args.Add("SETNAME");
                args.Add(options.ClientName);
            }
            try
            {
                var hello = await SendAsync(RedisCommand.Hello, args.ToArray(), ResultProcessors.Result, -1, cancellationToken).ConfigureAwait(false);
                helloDone = true;
                IsResp3 = hello.Resp3Type == ResultType.Map;
                if (hello.Length > 0 && hello.ToDictionary().TryGetValue("version", out var version))
                {
                    ServerVersion = (string?)version;
                }
            }
            catch (RedisServerException ex) when (ex.ErrorCode == "NOPROTO" || ex.Message.Contains("unknown command", StringComparison.OrdinalIgnoreCase))
            {
                // RESP2-only server: fall back to AUTH and CLIENT SETNAME.
            }
        }
        if (!helloDone)
        {
            if (options.Password is not null)
            {
                RedisValue[] auth = options.User is null ? [options.Password] : [options.User, options.Password];
                await SendAsync(RedisCommand.Auth, auth, ResultProcessors.Result, -1, cancellationToken).ConfigureAwait(false);
            }
            if (options.ClientName is not null)
            {
                try
                {
                    await SendAsync(RedisCommand.Client, ["SETNAME", options.ClientName], ResultProcessors.Result, -1, cancellationToken).ConfigureAwait(false);
                }
                catch (RedisServerException)
                {
                    // A name is a nicety; a server without CLIENT SETNAME still serves commands.
                }
            }
        }
        if (options.DefaultDatabase is > 0 and var db)
        {
            await SendAsync(RedisCommand.Select, [db], ResultProcessors.Result, -1, cancellationToken).ConfigureAwait(false);
            _currentDb = db;
        }
    }

    /// <summary>Consumes the reply of an in-stream SELECT; a refusal kills the connection (commands would hit the wrong database).</summary>
    private sealed class SelectSink(PhysicalConnection owner, int database) : IReplySink
    {
        public long QueuedAt { get; } = Environment.TickCount64;

        public bool IsCompleted { get; private set; }

        public void SetReply(in RespFrame frame)
        {
            IsCompleted = true;
            if (frame.IsError)
            {
                var message = frame.GetString();
                _ = Task.Run(() => owner.Fail(new RedisConnectionException(ConnectionFailureType.InternalFailure, $"SELECT {database} failed: {message}")));
            }
        }

        public void SetFailure(Exception exception) => IsCompleted = true;

        public void Abandon() => IsCompleted = true;
    }
}
