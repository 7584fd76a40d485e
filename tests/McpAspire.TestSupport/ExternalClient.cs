namespace McpAspire.TestSupport;

/// <summary>
/// An <see cref="HttpClient"/> that behaves like a caller in another process: it sends no <c>traceparent</c>. (A test
/// shares its process with the service under test, whose tracer provider sees the test's own HttpClient activity; an
/// unsampled one would be propagated and make the service drop its server span.)
/// </summary>
public static class ExternalClient
{
    public static HttpClient Create(Uri baseAddress) =>
        new(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = baseAddress };
}
