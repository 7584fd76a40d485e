using System.Net;
using System.Text;
using System.Threading.Channels;

namespace McpAspire.TestSupport;

/// <summary>A live GET stream on the MCP endpoint, read event by event as they arrive.</summary>
public sealed class SseStream : IAsyncDisposable
{
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpResponseMessage _response;
    private readonly Task _pump;

    private SseStream(HttpResponseMessage response)
    {
        _response = response;
        _pump = PumpAsync();
    }

    public HttpStatusCode Status => _response.StatusCode;

    public static async Task<SseStream> OpenAsync(HttpClient http, Uri uri, string sessionId, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        request.Headers.TryAddWithoutValidation("Mcp-Session-Id", sessionId);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // Only a failed answer has a finite body worth reading into the message.
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            Assert.Fail($"GET answered {(int)response.StatusCode}: {body}");
        }
        return new SseStream(response);
    }

    /// <summary>A POST answered with a stream that stays open (a 2026 <c>subscriptions/listen</c>), read event by event.</summary>
    public static async Task<SseStream> PostAsync(HttpClient http, Uri uri, string body, params (string Name, string Value)[] headers)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var text = await response.Content.ReadAsStringAsync();
            response.Dispose();
            Assert.Fail($"POST answered {(int)response.StatusCode} {response.Content.Headers.ContentType}: {text}");
        }
        return new SseStream(response);
    }

    /// <summary>The next event with data (priming events are skipped), or a failure naming what was awaited.</summary>
    public async Task<SseEvent> NextMessageAsync(string awaited)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var item = await _events.Reader.ReadAsync(timeout.Token);
                if (item.Data.Length > 0)
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No event arrived within 20 s while waiting for {awaited}.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The stream ended while waiting for {awaited}.");
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            using var stream = await _response.Content.ReadAsStreamAsync(_stop.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var block = new StringBuilder();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (block.Length > 0)
                    {
                        foreach (var e in RawMcp.ParseSse(block.ToString() + "\n"))
                        {
                            _events.Writer.TryWrite(e);
                        }
                        block.Clear();
                    }
                    continue;
                }
                block.Append(line).Append('\n');
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
