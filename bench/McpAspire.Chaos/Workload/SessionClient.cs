using System.Text.Json.Nodes;

namespace McpAspire.Chaos.Workload;

/// <summary>
/// A 2025-era client: one session (initialize, initialized), a GET stream held open (reopened when it drops), and
/// <c>echo</c> calls in the session. A 404 means the session was lost: counted, then a new session is started.
/// </summary>
public sealed class SessionClient
{
    private readonly string _name;
    private readonly McpCall _call;
    private readonly GetStream _stream;
    private readonly Recorder _recorder;
    private readonly TimeSpan _think;

    public SessionClient(string name, McpCall call, GetStream stream, Recorder recorder, TimeSpan think)
    {
        _name = name;
        _call = call;
        _stream = stream;
        _recorder = recorder;
        _think = think;
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var init = await _call.InitializeSessionAsync("session.init", CancellationToken.None).ConfigureAwait(false);
            if (!init.Ok || init.SessionId is not { } session)
            {
                await Pause(stop, TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
                continue;
            }
            using var streamStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var listening = _stream.HoldOpenAsync(session, streamStop.Token);
            while (!stop.IsCancellationRequested)
            {
                var message = $"{_name}-{++n}";
                var echo = await _call.CallToolInSessionAsync("session.echo", session, "echo", new JsonObject { ["message"] = message }, CancellationToken.None).ConfigureAwait(false);
                if (echo.SessionGone)
                {
                    _recorder.SessionLosses.Enqueue(new SessionLoss(_recorder.Now, _name, session));
                    _recorder.Note($"{_name}: session {session[..Math.Min(8, session.Length)]} lost ({echo.Detail})");
                    break;
                }
                if (echo.Ok && McpCall.Text(echo.Result!.Value) != message)
                {
                    _recorder.Add(new RequestRecord(_recorder.Now, "session.echo.mismatch", Outcome.BadResponse, 0, 200, null, McpCall.Text(echo.Result!.Value)));
                }
                await Pause(stop, echo.Ok ? _think : TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
            }
            await streamStop.CancelAsync().ConfigureAwait(false);
            await listening.ConfigureAwait(false);
        }
    }

    internal static async Task Pause(CancellationToken stop, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
