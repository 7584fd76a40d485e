using ModelContextProtocol.Protocol;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>List results the same for every caller: 2026-07-28 clients may cache them (<c>ttlMs</c>, public scope).</summary>
public static class ListCacheHints
{
    /// <summary>Adds <c>ttlMs</c>/<c>cacheScope: public</c> to tools, prompts, resources and resource template lists.</summary>
    public static IMcpServerBuilder WithListCacheHints(this IMcpServerBuilder builder, TimeSpan timeToLive)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithRequestFilters(filters => filters
            .AddListToolsFilter(next => async (request, ct) => Apply(await next(request, ct).ConfigureAwait(false), timeToLive))
            .AddListPromptsFilter(next => async (request, ct) => Apply(await next(request, ct).ConfigureAwait(false), timeToLive))
            .AddListResourcesFilter(next => async (request, ct) => Apply(await next(request, ct).ConfigureAwait(false), timeToLive))
            .AddListResourceTemplatesFilter(next => async (request, ct) => Apply(await next(request, ct).ConfigureAwait(false), timeToLive)));
    }

    private static T Apply<T>(T result, TimeSpan timeToLive) where T : ICacheableResult
    {
        result.TimeToLive = timeToLive;
        result.CacheScope = CacheScope.Public;
        return result;
    }
}
