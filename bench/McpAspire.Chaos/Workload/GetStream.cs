using System.Diagnostics;

namespace McpAspire.Chaos.Workload;

/// <summary>
/// The standalone GET stream of a 2025-era session: opened (its headers are the answer, recorded like a request,
/// within the client timeout), read until it ends, reopened. Its end is recorded too ("session.get.end"): a stream
/// ended by a killed replica is expected in a fault window.
/// </summary>
public sealed class GetStream
{
    private readonly HttpClient _http;
    private readonly Uri _mcp;
    private readonly Recorder _recorder;
    private readonly TimeSpan _timeout;

    public GetStream(HttpClient http, Uri mcp, Recorder recorder, TimeSpan timeout)
    {
        _http = http;
        _mcp = mcp;
        _recorder = recorder;
        _timeout = timeout;
    }

    /// <summary>Keeps a GET stream open for <paramref name="sessionId"/> until <paramref name="stop"/> or a 404.</summary>
    public async Task HoldOpenAsync(string sessionId, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var started = _recorder.Now;
            var watch = Stopwatch.StartNew();
            using var request = new HttpRequestMessage(HttpMethod.Get, _mcp);
            request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", sessionId);
            request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
            HttpResponseMessage response;
            using (var headers = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                headers.CancelAfter(_timeout);
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (OperationCanceledException)
                {
                    Record(started, watch, Outcome.Hung, 0, $"no headers within {_timeout.TotalSeconds} s");
                    continue;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    Record(started, watch, Outcome.Transport, 0, ex.Message);
                    await SessionClient.Pause(stop, TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
                    continue;
                }
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                if (status != 200)
                {
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None).ConfigureAwait(false);
                    var result = McpCall.Classify(status, response.Content.Headers.ContentType?.MediaType, body, notification: false);
                    Record(started, watch, result.Outcome == Outcome.Ok ? Outcome.BadResponse : result.Outcome, status, result.Detail, result.RpcCode);
                    if (status == 404 || status == 405)
                    {
                        return; // the session is gone (the echo loop counts it) or GET streams are not offered
                    }
                    await SessionClient.Pause(stop, TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
                    continue;
                }
                Record(started, watch, Outcome.Ok, status, null);
                var ended = "by the server";
                try
                {
                    await using var body = await response.Content.ReadAsStreamAsync(stop).ConfigureAwait(false);
                    var buffer = new byte[4096];
                    while (await body.ReadAsync(buffer, stop).ConfigureAwait(false) > 0)
                    {
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    ended = "dropped: " + ex.Message;
                }
                _recorder.Add(new RequestRecord(_recorder.Now, "session.get.end", Outcome.Ok, 0, 200, null, ended));
            }
        }
    }

    private void Record(double started, Stopwatch watch, Outcome outcome, int status, string? detail, int? code = null) =>
        _recorder.Add(new RequestRecord(started, "session.get", outcome, watch.Elapsed.TotalMilliseconds, status, code, detail));
}
