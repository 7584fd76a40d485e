using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;

namespace McpAspire.Redis;

/// <summary>
/// Connection settings. <see cref="Parse(string)"/> reads the StackExchange.Redis format
/// (<c>host:port[,host:port],password=…,user=…,ssl=true,defaultDatabase=N,connectTimeout=ms,syncTimeout=ms,asyncTimeout=ms,
/// abortConnect=false,name=…,protocol=resp3</c>) and <c>redis://[user:password@]host[:port][/db][?key=value&amp;…]</c> /
/// <c>rediss://</c> URIs. An unknown or malformed token is an <see cref="ArgumentException"/> naming the token.
/// </summary>
public sealed class ConfigurationOptions
{
    private static readonly HashSet<string> IgnoredKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "allowAdmin", "tiebreaker", "version", "serviceName", "keepAlive", "resolveDns", "configChannel", "configCheckSeconds",
        "responseTimeout", "writeBuffer", "proxy", "checkCertificateRevocation", "setlib", "highPrioritySocketThreads",
        "heartbeatInterval", "channelPrefix", "sslProtocols",
    };

    /// <summary>Server endpoints; the first that answers is used (no replica or cluster routing).</summary>
    public IList<EndPoint> EndPoints { get; } = [];

    /// <summary>Password for AUTH / HELLO.</summary>
    public string? Password { get; set; }

    /// <summary>ACL user name (Redis 6+); null means the default user.</summary>
    public string? User { get; set; }

    /// <summary>Use TLS (SslStream).</summary>
    public bool Ssl { get; set; }

    /// <summary>Host name to validate the server certificate against; defaults to the endpoint's host.</summary>
    public string? SslHost { get; set; }

    /// <summary>TLS protocols (none lets the OS choose).</summary>
    public SslProtocols SslProtocols { get; set; } = SslProtocols.None;

    /// <summary>Custom certificate validation (for self-signed test servers); null uses the system's.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }

    /// <summary>Database selected on every connection (SELECT), or null for 0.</summary>
    public int? DefaultDatabase { get; set; }

    /// <summary>Connect (and handshake) timeout in milliseconds.</summary>
    public int ConnectTimeout { get; set; } = 5000;

    /// <summary>Per-command timeout in milliseconds (StackExchange.Redis's name for synchronous calls).</summary>
    public int SyncTimeout { get; set; } = 5000;

    /// <summary>Per-command timeout for async calls in milliseconds; defaults to <see cref="SyncTimeout"/>.</summary>
    public int AsyncTimeout
    {
        get => _asyncTimeout ?? SyncTimeout;
        set => _asyncTimeout = value;
    }

    private int? _asyncTimeout;

    /// <summary>When true (default), <c>ConnectAsync</c> throws if no endpoint answers; when false it returns and keeps retrying.</summary>
    public bool AbortOnConnectFail { get; set; } = true;

    /// <summary>How many connect attempts <c>ConnectAsync</c> makes before giving up (with <see cref="AbortOnConnectFail"/>).</summary>
    public int ConnectRetry { get; set; } = 3;

    /// <summary>CLIENT SETNAME value.</summary>
    public string? ClientName { get; set; }

    /// <summary>Protocol to negotiate; RESP3 falls back to RESP2 when the server refuses HELLO 3.</summary>
    public RedisProtocol Protocol { get; set; } = RedisProtocol.Resp3;

    /// <summary>First reconnect delay in milliseconds; doubles per attempt with jitter up to <see cref="ReconnectMaxDelay"/>.</summary>
    public int ReconnectBaseDelay { get; set; } = 100;

    /// <summary>Cap of the reconnect delay in milliseconds.</summary>
    public int ReconnectMaxDelay { get; set; } = 5000;

    /// <summary>Where connection events (connected, failed, reconnect attempts, restored) are logged; null logs nothing.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Time source for timeouts and backoff (tests may substitute one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Parses a StackExchange.Redis-format string or a redis:// / rediss:// URI.</summary>
    /// <exception cref="ArgumentException">A token is unknown or malformed; the message names it.</exception>
    public static ConfigurationOptions Parse(string configuration) => Parse(configuration, ignoreUnknown: false);

    /// <summary>Parses, optionally ignoring unknown keys.</summary>
    public static ConfigurationOptions Parse(string configuration, bool ignoreUnknown)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration.Trim();
        if (text.Length == 0)
        {
            throw new ArgumentException("The Redis configuration string is empty.", nameof(configuration));
        }
        var options = new ConfigurationOptions();
        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            options.ParseUri(text, ignoreUnknown);
        }
        else
        {
            foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var token = raw.Trim();
                if (token.Length == 0)
                {
                    continue;
                }
                var eq = token.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                {
                    options.EndPoints.Add(ParseEndPoint(token, token));
                }
                else
                {
                    options.Apply(token[..eq].Trim(), token[(eq + 1)..].Trim(), token, ignoreUnknown);
                }
            }
        }
        options.Validate();
        return options;
    }

    /// <summary>Checks the settings are usable; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (EndPoints.Count == 0)
        {
            throw new ArgumentException("The Redis configuration has no endpoint (expected host:port).");
        }
        Check(ConnectTimeout > 0, "connectTimeout", ConnectTimeout);
        Check(SyncTimeout > 0, "syncTimeout", SyncTimeout);
        Check(AsyncTimeout > 0, "asyncTimeout", AsyncTimeout);
        Check(DefaultDatabase is null or >= 0, "defaultDatabase", DefaultDatabase);
        Check(ReconnectBaseDelay > 0 && ReconnectMaxDelay >= ReconnectBaseDelay, "reconnectBaseDelay/reconnectMaxDelay", ReconnectBaseDelay);
        Check(ConnectRetry >= 1, "connectRetry", ConnectRetry);

        static void Check(bool ok, string name, object? value)
        {
            if (!ok)
            {
                throw new ArgumentException($"Redis configuration '{name}' has an invalid value '{value}'.");
            }
        }
    }

    /// <summary>A copy.</summary>
    public ConfigurationOptions Clone()
    {
        var endpoints = new List<EndPoint>(EndPoints);
        var clone = new ConfigurationOptions
        {
            Password = Password, User = User, Ssl = Ssl, SslHost = SslHost, SslProtocols = SslProtocols,
            CertificateValidation = CertificateValidation, DefaultDatabase = DefaultDatabase, ConnectTimeout = ConnectTimeout,
            SyncTimeout = SyncTimeout, _asyncTimeout = _asyncTimeout, AbortOnConnectFail = AbortOnConnectFail,
            ConnectRetry = ConnectRetry, ClientName = ClientName, Protocol = Protocol, ReconnectBaseDelay = ReconnectBaseDelay,
            ReconnectMaxDelay = ReconnectMaxDelay, TimeProvider = TimeProvider, LoggerFactory = LoggerFactory,
        };
        foreach (var e in endpoints)
        {
            clone.EndPoints.Add(e);
        }
        return clone;
    }

    /// <summary>The settings in StackExchange.Redis format.</summary>
    public override string ToString() => ToString(includePassword: true);

    /// <summary>The settings in StackExchange.Redis format, with the password masked unless asked for.</summary>
    public string ToString(bool includePassword)
    {
        var sb = new StringBuilder();
        foreach (var e in EndPoints)
        {
            Append(FormatEndPoint(e));
        }
        if (User is not null)
        {
            Append("user=" + User);
        }
        if (Password is not null)
        {
            Append("password=" + (includePassword ? Password : "*****"));
        }
        if (Ssl)
        {
            Append("ssl=true");
        }
        if (SslHost is not null)
        {
            Append("sslHost=" + SslHost);
        }
        if (DefaultDatabase is { } db)
        {
            Append("defaultDatabase=" + db.ToString(CultureInfo.InvariantCulture));
        }
        if (ClientName is not null)
        {
            Append("name=" + ClientName);
        }
        Append("connectTimeout=" + ConnectTimeout.ToString(CultureInfo.InvariantCulture));
        Append("syncTimeout=" + SyncTimeout.ToString(CultureInfo.InvariantCulture));
        if (_asyncTimeout is { } at)
        {
            Append("asyncTimeout=" + at.ToString(CultureInfo.InvariantCulture));
        }
        Append("abortConnect=" + (AbortOnConnectFail ? "true" : "false"));
        Append("protocol=" + (Protocol == RedisProtocol.Resp3 ? "resp3" : "resp2"));
        return sb.ToString();

        void Append(string part)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(part);
        }
    }

    internal static string FormatEndPoint(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint d => $"{d.Host}:{d.Port.ToString(CultureInfo.InvariantCulture)}",
        IPEndPoint { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port.ToString(CultureInfo.InvariantCulture)}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port.ToString(CultureInfo.InvariantCulture)}",
        _ => endPoint.ToString() ?? string.Empty,
    };

    internal static (string Host, int Port) HostAndPort(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint d => (d.Host, d.Port),
        IPEndPoint ip => (ip.Address.ToString(), ip.Port),
        _ => (endPoint.ToString() ?? string.Empty, 0),
    };

    private void Apply(string key, string value, string token, bool ignoreUnknown)
    {
        switch (key.ToLowerInvariant())
        {
            case "password":
                Password = value;
                break;
            case "user":
            case "username":
                User = value;
                break;
            case "ssl":
                Ssl = ParseBool(value, token);
                break;
            case "sslhost":
                SslHost = value;
                break;
            case "defaultdatabase":
                DefaultDatabase = ParseInt(value, token, min: 0);
                break;
            case "connecttimeout":
                ConnectTimeout = ParseInt(value, token, min: 1);
                break;
            case "synctimeout":
                SyncTimeout = ParseInt(value, token, min: 1);
                break;
            case "asynctimeout":
                AsyncTimeout = ParseInt(value, token, min: 1);
                break;
            case "abortconnect":
                AbortOnConnectFail = ParseBool(value, token);
                break;
            case "connectretry":
                ConnectRetry = ParseInt(value, token, min: 1);
                break;
            case "name":
                ClientName = value;
                break;
            case "protocol":
                Protocol = value.ToLowerInvariant() switch
                {
                    "resp3" or "3" => RedisProtocol.Resp3,
                    "resp2" or "2" => RedisProtocol.Resp2,
                    _ => throw Bad(token, "expected resp2 or resp3"),
                };
                break;
            case "reconnectbasedelay":
                ReconnectBaseDelay = ParseInt(value, token, min: 1);
                break;
            case "reconnectmaxdelay":
                ReconnectMaxDelay = ParseInt(value, token, min: 1);
                break;
            default:
                if (IgnoredKeys.Contains(key) || ignoreUnknown)
                {
                    break;
                }
                // Only the key is echoed: a mistyped key may carry a secret as its value.
                throw Bad(key + "=…", $"keyword '{key}' is not supported");
        }
    }

    private void ParseUri(string text, bool ignoreUnknown)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw Bad(text, "not a valid redis:// URI");
        }
        Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase);
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (Ssl ? 6380 : 6379) : uri.Port;
        var host = uri.Host.StartsWith('[') ? uri.Host[1..^1] : uri.Host;
        EndPoints.Add(IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port));
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                // redis://password@host is a common shorthand.
                Password = Uri.UnescapeDataString(uri.UserInfo);
            }
            else
            {
                var user = Uri.UnescapeDataString(uri.UserInfo[..colon]);
                User = user.Length == 0 || user == "default" ? null : user;
                Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            DefaultDatabase = ParseInt(path, "/" + path, min: 0);
        }
        var query = uri.Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw Bad(pair, "expected key=value");
            }
            var key = Uri.UnescapeDataString(pair[..eq]);
            var value = Uri.UnescapeDataString(pair[(eq + 1)..]);
            Apply(key switch { "db" => "defaultDatabase", "timeout" => "syncTimeout", "clientName" or "client_name" => "name", _ => key }, value, pair, ignoreUnknown);
        }
    }

    private static EndPoint ParseEndPoint(string text, string token)
    {
        string host;
        var port = 6379;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Bad(token, "unterminated IPv6 address");
            }
            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                port = rest[0] == ':' ? ParsePort(rest[1..], token) : throw Bad(token, "expected :port after ]");
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) == colon)
            {
                host = text[..colon];
                port = ParsePort(text[(colon + 1)..], token);
            }
            else
            {
                host = text;
            }
        }
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@' or '?'))
        {
            throw Bad(token, "not a valid host:port endpoint");
        }
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
    }

    private static int ParsePort(string text, string token) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw Bad(token, "port must be 1-65535");

    private static int ParseInt(string value, string token, int min) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw Bad(token, $"expected an integer >= {min}");

    private static bool ParseBool(string value, string token) => value.ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw Bad(token, "expected true or false"),
    };

    private static ArgumentException Bad(string token, string why) =>
        new($"Invalid Redis configuration token '{token}': {why}.", "configuration");
}
