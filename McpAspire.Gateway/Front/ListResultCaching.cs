using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Front;

/// <summary>
/// The 2026-07-28 caching hints on the gateway's list results (<c>ttlMs</c>, <c>cacheScope</c>): every caller sees the
/// same merged catalog, so clients may cache lists briefly and publicly — unless access rules make lists differ per
/// principal, when the scope is private (<c>GatewaySecurityExtensions</c> turns <see cref="ListResultsArePublic"/> off).
/// </summary>
public sealed class ListResultCachingOptions
{
    /// <summary>How long a client may reuse a list result (<c>Gateway:ListResultTimeToLive</c>).</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>cacheScope: public</c> when true, <c>private</c> otherwise.</summary>
    public bool ListResultsArePublic { get; set; } = true;
}

/// <summary>Adds <see cref="ListResultCachingOptions"/>' hints to tools, prompts, resources and template lists.</summary>
internal static class ListResultCaching
{
    public static IMcpServerBuilder WithListResultCaching(this IMcpServerBuilder builder) =>
        builder.WithRequestFilters(filters => filters
            .AddListToolsFilter(next => async (request, ct) => Apply(await next(request, ct).ConfigureAwait(false), request.Services))
            .AddListPromptsFilter(next => async (request, ct) => Apply(await next(request, ct).ConfigureAwait(false), request.Services))
            .AddListResourcesFilter(next => async (request, ct) => Apply(await next(request, ct).ConfigureAwait(false), request.Services))
            .AddListResourceTemplatesFilter(next => async (request, ct) => Apply(await next(request, ct).ConfigureAwait(false), request.Services)));

    private static T Apply<T>(T result, IServiceProvider? services) where T : ICacheableResult
    {
        if (services?.GetService<IOptions<ListResultCachingOptions>>()?.Value is { } options)
        {
            result.TimeToLive = options.TimeToLive;
            result.CacheScope = options.ListResultsArePublic ? CacheScope.Public : CacheScope.Private;
        }
        return result;
    }
}
