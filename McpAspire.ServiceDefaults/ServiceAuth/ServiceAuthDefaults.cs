namespace McpAspire.ServiceDefaults.ServiceAuth;

/// <summary>Names shared by the inbound check and the outbound handler.</summary>
public static class ServiceAuthDefaults
{
    /// <summary>
    /// The header that carries the service key. A header of its own, not <c>Authorization</c>: the gateway's clients send
    /// their own bearer tokens there, and a service key must never be confused with, or forwarded as, a client credential.
    /// </summary>
    public const string HeaderName = "X-McpAspire-Service-Key";

    /// <summary>The <c>WWW-Authenticate</c> challenge sent with a 401.</summary>
    public const string Challenge = "McpAspire-Service-Key header=\"" + HeaderName + "\"";
}
