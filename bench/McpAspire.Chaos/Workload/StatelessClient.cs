using System.Text.Json.Nodes;

namespace McpAspire.Chaos.Workload;

/// <summary>A 2026-07-28 client: stateless <c>tools/call</c>s, <c>echo</c> on the tool host and every fourth <c>peer_echo</c> on the stdio downstream.</summary>
public sealed class StatelessClient
{
    private readonly string _name;
    private readonly McpCall _call;
    private readonly Recorder _recorder;
    private readonly TimeSpan _think;

    public StatelessClient(string name, McpCall call, Recorder recorder, TimeSpan think)
    {
        _name = name;
        _call = call;
        _recorder = recorder;
        _think = think;
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var peer = ++n % 4 == 0;
            var message = $"{_name}-{n}";
            var result = await _call.CallToolStatelessAsync(peer ? "stateless.peer_echo" : "stateless.echo", peer ? StdioPeer.ToolName : "echo",
                new JsonObject { ["message"] = message }, CancellationToken.None).ConfigureAwait(false);
            if (result.Ok && !McpCall.Text(result.Result!.Value).Contains(message, StringComparison.Ordinal))
            {
                _recorder.Add(new RequestRecord(_recorder.Now, "stateless.mismatch", Outcome.BadResponse, 0, 200, null, McpCall.Text(result.Result!.Value)));
            }
            await SessionClient.Pause(stop, result.Ok ? _think : TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
        }
    }
}
