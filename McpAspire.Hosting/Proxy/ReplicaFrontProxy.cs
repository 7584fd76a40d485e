using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace McpAspire.Hosting.Proxy;

/// <summary>
/// The stable front port of a replicated resource: a TCP proxy that hands each new connection to the next healthy
/// replica (round-robin), trying the others when a connect fails. Bytes are copied both ways until either side closes,
/// so long-lived responses (SSE, streamed MCP responses) pass through untouched. Balancing is per connection: a
/// keep-alive client stays on one replica until its connection closes. Stands in for YARP here.
/// </summary>
internal sealed class ReplicaFrontProxy : IAsyncDisposable
{
    private readonly TcpListener[] _listeners;
    private readonly Func<IReadOnlyList<ProxyTarget>> _targets;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _acceptLoops = [];
    private readonly HashSet<Socket> _open = [];
    private readonly Lock _lock = new();
    private int _next = -1;

    public ReplicaFrontProxy(int port, Func<IReadOnlyList<ProxyTarget>> targets)
    {
        _targets = targets;
        var v4 = new TcpListener(IPAddress.Loopback, port);
        var listeners = new List<TcpListener> { v4 };
        v4.Start(512);
        Port = ((IPEndPoint)v4.LocalEndpoint).Port;
        // localhost also resolves to ::1; listen there too when the machine has IPv6 loopback.
        if (Socket.OSSupportsIPv6)
        {
            try
            {
                var v6 = new TcpListener(IPAddress.IPv6Loopback, Port);
                v6.Start(512);
                listeners.Add(v6);
            }
            catch (SocketException)
            {
            }
        }
        _listeners = [.. listeners];
        foreach (var l in _listeners)
        {
            _acceptLoops.Add(AcceptLoopAsync(l));
        }
    }

    /// <summary>The front port.</summary>
    public int Port { get; }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(Socket client)
    {
        client.NoDelay = true;
        Socket? upstream = null;
        Track(client, true);
        try
        {
            upstream = await ConnectToReplicaAsync(_stopping.Token).ConfigureAwait(false);
            if (upstream is null)
            {
                return;
            }
            Track(upstream, true);
            using var a = new NetworkStream(client, ownsSocket: false);
            using var b = new NetworkStream(upstream, ownsSocket: false);
            var up = PumpAsync(a, upstream);
            var down = PumpAsync(b, client);
            var first = await Task.WhenAny(up, down).ConfigureAwait(false);
            if (first == up)
            {
                // The client finished sending: let the response (possibly a long SSE stream) run to its end.
                await down.ConfigureAwait(false);
            }
            else
            {
                // The replica closed: give the client's side a moment to drain, then close both.
                await Task.WhenAny(up, Task.Delay(TimeSpan.FromSeconds(5), _stopping.Token).ContinueWith(static _ => { }, TaskScheduler.Default)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            Close(upstream);
            Close(client);
        }
    }

    private static async Task PumpAsync(Stream from, Socket to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            try
            {
                to.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<Socket?> ConnectToReplicaAsync(CancellationToken cancellationToken)
    {
        var targets = _targets();
        if (targets.Count == 0)
        {
            return null;
        }
        // Healthy replicas first in round-robin order; if none is healthy, try every replica anyway.
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)targets.Count);
        var order = Enumerable.Range(0, targets.Count).Select(i => targets[(start + i) % targets.Count]).ToList();
        var candidates = order.Where(t => t.Healthy).Concat(order.Where(t => !t.Healthy));
        foreach (var target in candidates)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, target.Port), timeout.Token).ConfigureAwait(false);
                return socket;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                if (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
            }
        }
        return null;
    }

    private void Track(Socket socket, bool add)
    {
        lock (_lock)
        {
            if (add)
            {
                _open.Add(socket);
            }
            else
            {
                _open.Remove(socket);
            }
        }
    }

    private void Close(Socket? socket)
    {
        if (socket is null)
        {
            return;
        }
        Track(socket, false);
        socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var l in _listeners)
        {
            l.Stop();
        }
        Socket[] open;
        lock (_lock)
        {
            open = [.. _open];
        }
        foreach (var s in open)
        {
            s.Dispose();
        }
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
