namespace McpAspire.Hosting.Proxy;

/// <summary>One replica as the proxy sees it.</summary>
internal readonly record struct ProxyTarget(int Port, bool Healthy);
