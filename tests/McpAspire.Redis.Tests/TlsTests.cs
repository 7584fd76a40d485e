using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using McpAspire.TestSupport;

namespace McpAspire.Redis.Tests;

/// <summary>TLS through SslStream against redis-server's own TLS port, with a certificate made by the test.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Connects_over_tls_with_a_trusted_certificate_and_refuses_an_untrusted_one()
    {
        var dir = Directory.CreateTempSubdirectory("mcpaspire-tls-").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certFile = Path.Combine(dir, "cert.pem");
        var keyFile = Path.Combine(dir, "key.pem");
        await File.WriteAllTextAsync(certFile, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());

        var port = FreePort.Next();
        var password = "tls-" + Guid.NewGuid().ToString("N")[..12];
        var psi = new ProcessStartInfo(RedisServerProcess.RedisServerPath()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", "0", "--tls-port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-auth-clients", "no", "--requirepass", password, "--save", "", "--appendonly", "no" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        try
        {
            var options = ConfigurationOptions.Parse($"127.0.0.1:{port},password={password},ssl=true,sslHost=localhost,connectRetry=20,connectTimeout=2000");
            options.CertificateValidation = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == certificate.GetCertHashString();
            await using (var client = await ConnectionMultiplexer.ConnectAsync(options))
            {
                var db = client.GetDatabase();
                Assert.True(await db.StringSetAsync("tls", "secret"));
                Assert.Equal("secret", (string?)await db.StringGetAsync("tls"));
            }

            // The system trust store does not know the test's certificate: the handshake fails clearly.
            var untrusted = await Assert.ThrowsAsync<RedisConnectionException>(() =>
                ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},password={password},ssl=true,sslHost=localhost,connectRetry=1"));
            Assert.Equal(ConnectionFailureType.UnableToConnect, untrusted.FailureType);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
