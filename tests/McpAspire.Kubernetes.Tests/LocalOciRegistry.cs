using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpAspire.Kubernetes.Tests;

/// <summary>
/// A read-only OCI distribution registry on loopback serving one tiny base image (<c>localhost:PORT/base:1</c>, linux
/// amd64, one layer with one file): mcr.microsoft.com is out of reach here, and the SDK's container tooling needs a base
/// image from a registry (it falls back to plain http for <c>localhost</c>). Enough to prove what the SDK writes on top.
/// </summary>
internal sealed class LocalOciRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalOciRegistry(WebApplication app, int port)
    {
        _app = app;
        BaseImage = $"localhost:{port}/base:1";
    }

    /// <summary>The base image reference to give <c>ContainerBaseImage</c>.</summary>
    public string BaseImage { get; }

    /// <summary>The file the base layer holds.</summary>
    public const string BaseFile = "etc/mcpaspire-test-base";

    public static async Task<LocalOciRegistry> StartAsync()
    {
        var layerTar = new MemoryStream();
        await using (var tar = new TarWriter(layerTar, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, BaseFile) { DataStream = new MemoryStream("test base image\n"u8.ToArray()) };
            await tar.WriteEntryAsync(entry);
        }
        var layer = new MemoryStream();
        await using (var gzip = new GZipStream(layer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(layerTar.ToArray());
        }
        var layerBytes = layer.ToArray();
        var config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            config = new { Env = new[] { "PATH=/usr/bin:/bin" }, WorkingDir = "/" },
            rootfs = new { type = "layers", diff_ids = new[] { Digest(layerTar.ToArray()) } },
        });
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            config = new { mediaType = "application/vnd.oci.image.config.v1+json", digest = Digest(config), size = config.Length },
            layers = new[] { new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", digest = Digest(layerBytes), size = layerBytes.Length } },
        });
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [Digest(config)] = config, [Digest(layerBytes)] = layerBytes };

        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapMethods("/v2/", ["GET", "HEAD"], () => Results.Json(new { }));
        app.MapMethods("/v2/base/manifests/{reference}", ["GET", "HEAD"], (HttpContext http) => Blob(http, manifest, "application/vnd.oci.image.manifest.v1+json"));
        app.MapMethods("/v2/base/blobs/{digest}", ["GET", "HEAD"], (HttpContext http, string digest) =>
            blobs.TryGetValue(digest, out var blob) ? Blob(http, blob, "application/octet-stream") : Results.NotFound());
        await app.StartAsync();
        return new LocalOciRegistry(app, port);
    }

    private static IResult Blob(HttpContext http, byte[] body, string contentType)
    {
        http.Response.Headers["Docker-Content-Digest"] = Digest(body);
        return Results.Bytes(body, contentType);
    }

    public static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
