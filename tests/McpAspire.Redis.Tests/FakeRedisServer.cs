using System.Net;
using System.Net.Sockets;

namespace McpAspire.Redis.Tests;

/// <summary>
/// A scripted TCP peer for protocol tests: for every chunk a client sends it writes whatever the script returns
/// (null closes the connection). Only for unit-testing the client's parser and failure handling.
/// </summary>
internal sealed class FakeRedisServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<int, byte[], byte[]?> _script;
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;
    private readonly bool _trickle;
    private readonly bool _closeAfterReply;
    private int _connectionCount;

    /// <param name="script">(connection index, bytes received) → bytes to send, or null to close.</param>
    /// <param name="trickle">Send replies one byte per write.</param>
    /// <param name="closeAfterReply">Close the connection right after the first reply.</param>
    public FakeRedisServer(Func<int, byte[], byte[]?> script, bool trickle = false, bool closeAfterReply = false)
    {
        _script = script;
        _trickle = trickle;
        _closeAfterReply = closeAfterReply;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>RESP2, no password: the client sends no handshake, so the first chunk is the test's command.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},protocol=resp2,asyncTimeout=1000,connectTimeout=2000,abortConnect=false,reconnectBaseDelay=50";

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var index = Interlocked.Increment(ref _connectionCount) - 1;
                lock (_connections)
                {
                    _connections.Add(ServeAsync(client, index));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client, int index)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[64 * 1024];
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }
                    var reply = _script(index, buffer[..n]);
                    if (reply is null)
                    {
                        return;
                    }
                    if (_trickle)
                    {
                        for (var i = 0; i < reply.Length; i++)
                        {
                            await stream.WriteAsync(reply.AsMemory(i, 1), _stop.Token);
                            await stream.FlushAsync(_stop.Token);
                            await Task.Delay(1, _stop.Token);
                        }
                    }
                    else
                    {
                        await stream.WriteAsync(reply, _stop.Token);
                    }
                    if (_closeAfterReply)
                    {
                        client.Client.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }
        await Task.WhenAll(connections);
        _stop.Dispose();
    }
}
