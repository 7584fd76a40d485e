using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace McpAspire.Gateway.Security;

/// <summary>
/// The issuer's signing keys for the gateway's JwtBearer scheme: IdentityModel's <see cref="ConfigurationManager{T}"/>
/// (cached, refreshed every <see cref="JwtBearerSettings.KeyRefreshInterval"/>) over the metadata or a bare JWKS, plus a
/// read-now for a token with an unknown <c>kid</c> (rate limited). The manager's own refresh runs in the background and
/// would answer that request with the old keys; an issuer that rotates must not cost its first token a 401. The
/// configuration handed to JwtBearer always names the configured issuer only, whatever the metadata says.
/// </summary>
public sealed partial class JwtSigningKeys : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    /// <summary>Least time between two reads forced by unknown <c>kid</c>s, whatever the traffic.</summary>
    public static readonly TimeSpan ReadNowInterval = TimeSpan.FromSeconds(30);

    // Keys read now count only until the manager's background refresh surely has the issuer's current set, so a key the
    // issuer withdrew stops working.
    private static readonly TimeSpan s_freshKeysLifetime = TimeSpan.FromMinutes(5);

    private sealed record View(OpenIdConnectConfiguration Source, OpenIdConnectConfiguration? Fresh, OpenIdConnectConfiguration Configuration);

    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _manager;
    private readonly IConfigurationRetriever<OpenIdConnectConfiguration>? _retriever;
    private readonly HttpDocumentRetriever? _documents;
    private readonly HttpClient? _http;
    private readonly string _address = "";
    private readonly string? _issuer;
    private readonly TimeProvider _time;
    private readonly ILogger<JwtSigningKeys> _logger;
    private readonly SemaphoreSlim _readNow = new(1, 1);
    private DateTimeOffset _lastReadNow = DateTimeOffset.MinValue;
    private volatile OpenIdConnectConfiguration? _fresh;
    private volatile View? _view;

    /// <summary>Creates the key source (inactive when no issuer is configured).</summary>
    public JwtSigningKeys(IOptions<GatewayAuthOptions> options, TimeProvider time, ILogger<JwtSigningKeys> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _logger = logger;
        var auth = options.Value;
        if (!auth.JwtEnabled)
        {
            return;
        }
        _issuer = auth.Jwt.Issuer;
        _address = JwtKeySource.Of(auth.Jwt);
        // Our own client: the service defaults' resilience handler would retry an unreachable key source for tens of
        // seconds while a request waits.
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        _documents = new HttpDocumentRetriever(_http) { RequireHttps = auth.Jwt.RequireHttpsMetadata && !JwtKeySource.IsLoopback(_address) };
        _retriever = string.IsNullOrWhiteSpace(auth.Jwt.JwksUri)
            ? new OpenIdConnectConfigurationRetriever()
            : new JwksConfigurationRetriever();
        _manager = new ConfigurationManager<OpenIdConnectConfiguration>(_address, _retriever, _documents)
        {
            AutomaticRefreshInterval = auth.Jwt.KeyRefreshInterval,
            RefreshInterval = ReadNowInterval,
        };
    }

    /// <summary>The key source's address (for messages).</summary>
    public string Address => _address;

    /// <inheritdoc />
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (_manager is null)
        {
            throw new InvalidOperationException("Bearer JWTs are not accepted by this gateway (no issuer configured).");
        }
        var source = await _manager.GetConfigurationAsync(cancel).ConfigureAwait(false);
        var fresh = _fresh is { } f && _time.GetUtcNow() - _lastReadNow < s_freshKeysLifetime ? f : null;
        var view = _view;
        if (view is not null && ReferenceEquals(view.Source, source) && ReferenceEquals(view.Fresh, fresh))
        {
            return view.Configuration;
        }
        var configuration = new OpenIdConnectConfiguration { Issuer = _issuer };
        foreach (var key in fresh is null ? source.SigningKeys : source.SigningKeys.Concat(fresh.SigningKeys))
        {
            configuration.SigningKeys.Add(key);
        }
        _view = new View(source, fresh, configuration);
        return configuration;
    }

    /// <inheritdoc />
    public void RequestRefresh() => _manager?.RequestRefresh();

    /// <summary>
    /// Reads the keys now (a token named a <c>kid</c> we do not know), at most once per <see cref="ReadNowInterval"/>.
    /// True when new keys were read; the next <see cref="GetConfigurationAsync"/> includes them.
    /// </summary>
    public async Task<bool> ReadNowAsync(CancellationToken cancellationToken)
    {
        if (_manager is null)
        {
            return false;
        }
        var now = _time.GetUtcNow();
        if (now - _lastReadNow < ReadNowInterval || !await _readNow.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        try
        {
            _lastReadNow = now;
            _fresh = await _retriever!.GetConfigurationAsync(_address, _documents!, cancellationToken).ConfigureAwait(false);
            _manager.RequestRefresh();
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException or ArgumentException)
        {
            LogKeysUnavailable(_logger, ex, _address);
            return false;
        }
        finally
        {
            _readNow.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _http?.Dispose();
        _readNow.Dispose();
    }

    [LoggerMessage(1, LogLevel.Warning, "Signing keys could not be read from {Address}")]
    internal static partial void LogKeysUnavailable(ILogger logger, Exception exception, string address);
}
