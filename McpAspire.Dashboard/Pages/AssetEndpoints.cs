using System.Collections.Frozen;
using System.Security.Cryptography;

namespace McpAspire.Dashboard.Pages;

/// <summary>Serves the embedded page assets (<c>/_assets/dashboard.js</c>, <c>.css</c>) with ETags; no login needed.</summary>
public static class AssetEndpoints
{
    private static readonly Lazy<FrozenDictionary<string, (byte[] Content, string Type, string ETag)>> s_assets = new(Load);

    /// <summary>Maps <c>/_assets/{name}</c>.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/_assets/{name}", (string name, HttpContext context) =>
        {
            if (!s_assets.Value.TryGetValue(name, out var asset))
            {
                return Results.NotFound();
            }
            context.Response.Headers.ETag = asset.ETag;
            context.Response.Headers.CacheControl = "no-cache";
            if (context.Request.Headers.IfNoneMatch == asset.ETag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
            return Results.Bytes(asset.Content, asset.Type);
        }).AllowAnonymous();
    }

    private static FrozenDictionary<string, (byte[] Content, string Type, string ETag)> Load()
    {
        var assembly = typeof(AssetEndpoints).Assembly;
        var result = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var bytes = memory.ToArray();
            var name = resource["assets/".Length..];
            var type = Path.GetExtension(name) switch
            {
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            result[name] = (bytes, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
        }
        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
