namespace McpAspire.Dashboard.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or a timeout passes, then fails with a diagnostic (never hangs).</summary>
internal static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, Func<T?, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        T? last = default;
        Exception? error = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await probe();
                error = null;
                if (done(last))
                {
                    return last!;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException)
            {
                error = ex;
            }
            await Task.Delay(100);
        }
        var shown = last is System.Text.Json.JsonDocument doc ? doc.RootElement.GetRawText() : last?.ToString();
        if (shown?.Length > 4000)
        {
            shown = shown[..4000] + "…";
        }
        throw new TimeoutException($"Timed out waiting for {what}; last value: {shown}; last error: {error?.Message}");
    }
}
