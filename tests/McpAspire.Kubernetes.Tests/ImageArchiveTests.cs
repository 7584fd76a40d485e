using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace McpAspire.Kubernetes.Tests;

/// <summary>
/// <c>publish-kubernetes-images</c>: the SDK's container support writes the project's image as an OCI archive, no
/// daemon. The real base image (mcr.microsoft.com/dotnet/aspnet) cannot be pulled here, so the test serves a tiny base
/// image from <see cref="LocalOciRegistry"/>: what is checked is the SDK's part (layout, app layer, entrypoint, user, tag).
/// </summary>
public sealed class ImageArchiveTests
{
    [Fact]
    public async Task The_images_step_writes_a_valid_oci_layout_with_the_expected_entrypoint_name_and_tag()
    {
        await using var registry = await LocalOciRegistry.StartAsync();
        var output = Directory.CreateTempSubdirectory("mcpaspire-k8s-images-").FullName;
        try
        {
            var (exitCode, log) = await RunImagesStepAsync(output,
                $"--Kubernetes:ContainerBaseImage={registry.BaseImage}",
                "--Kubernetes:ImageResources:0=toolhost",
                "--Kubernetes:ImageRegistry=registry.example/acme",
                "--Kubernetes:ImageTag=1.2.3",
                // The solution's own build is Debug: reuse it instead of a Release build of every project.
                "--Kubernetes:ImageConfiguration=" + (typeof(ImageArchiveTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
                    .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Debug"));
            Assert.True(exitCode == 0, log);
            var archive = Path.Combine(output, "images", "mcpaspire-toolhost.tar.gz");
            Assert.True(File.Exists(archive), log);
            Assert.Single(Directory.GetFiles(Path.Combine(output, "images")));

            var files = await ReadArchiveAsync(archive);
            Assert.Equal("1.0.0", JsonDocument.Parse(files["oci-layout"]).RootElement.GetProperty("imageLayoutVersion").GetString());
            using var index = JsonDocument.Parse(files["index.json"]);
            Assert.Equal(2, index.RootElement.GetProperty("schemaVersion").GetInt32());
            var entry = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
            Assert.Equal("1.2.3", entry.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
            Assert.EndsWith("registry.example/acme/mcpaspire-toolhost:1.2.3",
                entry.GetProperty("annotations").GetProperty("io.containerd.image.name").GetString(), StringComparison.Ordinal);

            var manifest = JsonDocument.Parse(Blob(files, entry)).RootElement;
            Assert.Equal("application/vnd.oci.image.manifest.v1+json", manifest.GetProperty("mediaType").GetString());
            var config = JsonDocument.Parse(Blob(files, manifest.GetProperty("config"))).RootElement;
            Assert.Equal("linux", config.GetProperty("os").GetString());
            var image = config.GetProperty("config");
            Assert.Equal(["dotnet", "/app/McpAspire.ToolHost.dll"], image.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("1654", image.GetProperty("User").GetString());
            Assert.Equal("/app/", image.GetProperty("WorkingDir").GetString());

            // Every layer is in the archive with its digest and size; the base's first, then the app's with the dll.
            var layers = manifest.GetProperty("layers").EnumerateArray().Select(l => Blob(files, l)).ToList();
            Assert.Equal(2, layers.Count);
            Assert.Contains(LocalOciRegistry.BaseFile, await LayerEntriesAsync(layers[0]));
            Assert.Contains("app/McpAspire.ToolHost.dll", await LayerEntriesAsync(layers[1]));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static byte[] Blob(Dictionary<string, byte[]> files, JsonElement descriptor)
    {
        var digest = descriptor.GetProperty("digest").GetString()!;
        var blob = files["blobs/sha256/" + digest["sha256:".Length..]];
        Assert.Equal(digest, LocalOciRegistry.Digest(blob));
        Assert.Equal(descriptor.GetProperty("size").GetInt64(), blob.LongLength);
        return blob;
    }

    private static async Task<Dictionary<string, byte[]>> ReadArchiveAsync(string path)
    {
        // Named .tar.gz by the SDK; read it whether or not it is compressed.
        var bytes = await File.ReadAllBytesAsync(path);
        Stream stream = bytes is [0x1f, 0x8b, ..] ? new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress) : new MemoryStream(bytes);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using var tar = new TarReader(stream);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                await data.CopyToAsync(copy);
                files[entry.Name.TrimStart('.', '/')] = copy.ToArray();
            }
        }
        return files;
    }

    private static async Task<List<string>> LayerEntriesAsync(byte[] layer)
    {
        var names = new List<string>();
        await using var tar = new TarReader(new GZipStream(new MemoryStream(layer), CompressionMode.Decompress));
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name.TrimStart('.', '/'));
        }
        return names;
    }

    private static async Task<(int ExitCode, string Log)> RunImagesStepAsync(string output, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Combine("McpAspire.AppHost"),
        };
        foreach (var arg in new[] { PublishedApp.AppHostDll, "--operation", "publish", "--step", "publish-kubernetes-images", "--output-path", output }.Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
