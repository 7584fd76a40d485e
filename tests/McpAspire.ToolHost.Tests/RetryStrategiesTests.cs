using McpAspire.ToolHost.Agents;
using Microsoft.Extensions.Configuration;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// How <c>ToolHost:Agents:Retry</c> resolves into one strategy per error category, and which settings stop start-up.
/// The strategies at work against a real server are in <see cref="ToolRetryTests"/>.
/// </summary>
public sealed class RetryStrategiesTests
{
    [Fact]
    public void Without_entries_redis_and_timeout_use_the_global_settings_and_nothing_else_is_retried()
    {
        var strategies = new RetryStrategies(new AgentOptions { RetryAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(100) });

        foreach (var category in new[] { ErrorCategories.Redis, ErrorCategories.Timeout })
        {
            Assert.Equal(new RetryStrategies.Strategy(3, TimeSpan.FromMilliseconds(100), 2.0), strategies.For(category));
        }
        foreach (var category in ErrorCategories.All.Except([ErrorCategories.Redis, ErrorCategories.Timeout]))
        {
            Assert.Equal(0, strategies.For(category).Attempts);
        }
        Assert.Equal(0, strategies.For("no-such-category").Attempts);
    }

    [Fact]
    public void An_entry_overrides_its_category_and_takes_what_it_leaves_unset_from_the_global_settings()
    {
        var options = new AgentOptions { RetryAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(200) };
        options.Retry[ErrorCategories.Redis] = new RetrySettings { Attempts = 5, Delay = TimeSpan.FromSeconds(1), Backoff = 3 };
        options.Retry[ErrorCategories.Timeout] = new RetrySettings { Attempts = 0 };
        options.Retry[ErrorCategories.UnknownAgent] = new RetrySettings { Delay = TimeSpan.FromMilliseconds(50) };
        var strategies = new RetryStrategies(options);

        var redis = strategies.For(ErrorCategories.Redis);
        Assert.Equal(new RetryStrategies.Strategy(5, TimeSpan.FromSeconds(1), 3.0), redis);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(9)], new[] { 1, 2, 3 }.Select(redis.DelayBefore));
        Assert.Equal(0, strategies.For(ErrorCategories.Timeout).Attempts);
        Assert.Equal(new RetryStrategies.Strategy(2, TimeSpan.FromMilliseconds(50), 2.0), strategies.For(ErrorCategories.UnknownAgent));
        Assert.Empty(RetryStrategies.Validate(options));
    }

    [Fact]
    public void Long_backoffs_are_capped_at_five_minutes()
    {
        var strategy = new RetryStrategies.Strategy(10, TimeSpan.FromSeconds(30), 10);
        Assert.Equal(TimeSpan.FromMinutes(5), strategy.DelayBefore(10));
    }

    [Theory]
    [InlineData("bogus", "Attempts", "1", "unknown error category")]
    [InlineData("validation", "Attempts", "1", "a retry cannot cure a validation failure")]
    [InlineData("permission", "Delay", "00:00:01", "a retry cannot cure a permission failure")] // inherits 2 attempts
    [InlineData("internal", "Attempts", "3", "a retry cannot cure a internal failure")]
    [InlineData("redis", "Attempts", "11", "Attempts must be between 0 and 10")]
    [InlineData("redis", "Delay", "00:01:00", "Delay must be between 0 and 30 s")]
    [InlineData("timeout", "Backoff", "0.5", "Backoff must be between 1 and 10")]
    public void A_bad_entry_is_named_at_start_up(string category, string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ToolHost:Agents:Retry:{category}:{key}"] = value,
        }).Build();
        var options = configuration.GetSection(AgentOptions.SectionName).Get<AgentOptions>()!;

        var error = Assert.Single(RetryStrategies.Validate(options));
        Assert.StartsWith($"ToolHost:Agents:Retry:{category}", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_permission_and_internal_may_be_named_with_zero_attempts()
    {
        var options = new AgentOptions();
        options.Retry[ErrorCategories.Validation] = new RetrySettings { Attempts = 0 };
        options.Retry[ErrorCategories.Internal] = new RetrySettings { Attempts = 0 };
        Assert.Empty(RetryStrategies.Validate(options));
    }
}
