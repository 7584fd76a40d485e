using System.Diagnostics;
using System.Net;
using System.Text;

namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// Open notification streams, each read line by line as it arrives: 2025-11-25 GET streams on sessions or 2026-07-28
/// <c>subscriptions/listen</c> streams. A round (<see cref="BeginRound"/>) records when each stream first sees
/// <c>notifications/tools/list_changed</c> after it began, and completes when all have.
/// </summary>
public sealed class NotificationStreams : IAsyncDisposable
{
    private const string Listen = """{"jsonrpc":"2.0","id":"listen","method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"}}}}""";

    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private readonly List<long> _seenAt = [];
    private readonly List<int> _seenRound = [];
    private readonly object _gate = new();
    private int _round;
    private int _remaining;
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NotificationStreams(HttpClient http) => _http = http;

    /// <summary>Streams open.</summary>
    public int Count { get { lock (_gate) { return _seenAt.Count; } } }

    /// <summary>Opens a GET stream on a 2025-11-25 session (<paramref name="sessionId"/>) or, when null, a 2026-07-28 listen stream.</summary>
    public async Task OpenAsync(Uri mcp, string? sessionId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(sessionId is null ? HttpMethod.Post : HttpMethod.Get, mcp);
        request.Headers.TryAddWithoutValidation("Accept", sessionId is null ? "application/json, text/event-stream" : "text/event-stream");
        if (sessionId is null)
        {
            request.Content = new StringContent(Listen, Encoding.UTF8, "application/json");
            request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2026-07-28");
            request.Headers.TryAddWithoutValidation("Mcp-Method", "subscriptions/listen");
        }
        else
        {
            request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", sessionId);
        }
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        request.Dispose();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            response.Dispose();
            throw new InvalidOperationException($"stream answered {(int)response.StatusCode}: {body}");
        }
        int index;
        lock (_gate)
        {
            index = _seenAt.Count;
            _seenAt.Add(0);
            _seenRound.Add(_round);
        }
        _readers.Add(ReadAsync(index, response));
    }

    /// <summary>Starts a round: from now on each stream's first <c>list_changed</c> counts; returns the round's start timestamp.</summary>
    public long BeginRound()
    {
        lock (_gate)
        {
            _round++;
            _remaining = _seenAt.Count;
            _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Waits until every stream has seen this round's notification (or the timeout); returns each stream's delay in ms (missing: NaN).</summary>
    public async Task<double[]> EndRoundAsync(long start, TimeSpan timeout)
    {
        Task all;
        lock (_gate)
        {
            all = _all.Task;
        }
        await Task.WhenAny(all, Task.Delay(timeout)).ConfigureAwait(false);
        lock (_gate)
        {
            return [.. _seenAt.Select((at, i) => _seenRound[i] == _round ? Stopwatch.GetElapsedTime(start, at).TotalMilliseconds : double.NaN)];
        }
    }

    private async Task ReadAsync(int index, HttpResponseMessage response)
    {
        try
        {
            using (response)
            {
                using var stream = await response.Content.ReadAsStreamAsync(_stop.Token).ConfigureAwait(false);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
                {
                    if (line.Contains("notifications/tools/list_changed", StringComparison.Ordinal))
                    {
                        Seen(index);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
        }
    }

    private void Seen(int index)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_seenRound[index] == _round)
            {
                return;
            }
            _seenRound[index] = _round;
            _seenAt[index] = now;
            if (--_remaining == 0)
            {
                _all.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_readers).ConfigureAwait(false);
        _stop.Dispose();
    }
}
