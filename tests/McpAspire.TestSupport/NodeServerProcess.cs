using System.Diagnostics;
using System.Net.Sockets;

namespace McpAspire.TestSupport;

/// <summary>
/// A long-running npm MCP server (Node 22) listening on a loopback port, e.g. server-everything in <c>sse</c> mode.
/// Ready once the port accepts connections; killed with SIGKILL by PID (a crash, as far as its clients can tell).
/// </summary>
public sealed class NodeServerProcess : IAsyncDisposable
{
    private readonly CapturedProcess _process;

    private NodeServerProcess(CapturedProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    public string Output => _process.Output;

    /// <summary>Runs <c>node script args…</c> with <paramref name="environment"/> and waits until <paramref name="port"/> accepts.</summary>
    public static async Task<NodeServerProcess> StartAsync(string script, IEnumerable<string> arguments, int port, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(NodePeers.NodeExecutable) { WorkingDirectory = NodePeers.Directory };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var server = new NodeServerProcess(CapturedProcess.Start(start, environment), port);
        await server._process.WaitReadyAsync(script, $"listen on port {port}", async () =>
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        return server;
    }

    /// <summary>SIGKILL by PID, then waits for the process to be gone.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
