using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace McpAspire.Gateway.Security;

/// <summary>
/// Reads a bare JSON Web Key Set (<c>Gateway:Auth:Jwt:JwksUri</c>) as a configuration with only signing keys, so one
/// IdentityModel <see cref="ConfigurationManager{T}"/> (caching, refresh, refresh on unknown <c>kid</c>) serves both
/// a JWKS URL and OIDC / RFC 8414 metadata.
/// </summary>
internal sealed class JwksConfigurationRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        var document = await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false);
        var keys = new JsonWebKeySet(document);
        var configuration = new OpenIdConnectConfiguration { JsonWebKeySet = keys, JwksUri = address };
        foreach (var key in keys.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }
        return configuration;
    }
}
