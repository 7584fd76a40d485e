using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.Security;

/// <summary>
/// <c>Gateway:Auth:Rules</c> compiled once (and again when the configuration reloads). <see cref="For"/> picks the
/// rules that apply to one principal; the returned view then decides item by item: the first rule covering the item
/// wins, else <see cref="GatewayAuthOptions.DefaultEffect"/>.
/// </summary>
public sealed class AccessPolicy : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile Compiled _compiled;

    /// <summary>Creates the policy.</summary>
    public AccessPolicy(IOptionsMonitor<GatewayAuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _compiled = Compile(options.CurrentValue);
        _subscription = options.OnChange(o => _compiled = Compile(o));
    }

    /// <summary>True when no rule exists and the default allows: everyone sees everything.</summary>
    public bool AllowsEverything => _compiled.Rules.Length == 0 && _compiled.Default == AccessEffect.Allow;

    /// <summary>The rules that apply to <paramref name="user"/> (null: the anonymous principal without scopes).</summary>
    public PrincipalAccess For(ClaimsPrincipal? user)
    {
        var compiled = _compiled;
        var id = GatewayPrincipal.IdOf(user) ?? GatewayPrincipal.AnonymousId;
        var applicable = new List<CompiledRule>(compiled.Rules.Length);
        foreach (var rule in compiled.Rules)
        {
            if (rule.AppliesTo(user, id))
            {
                applicable.Add(rule);
            }
        }
        return new PrincipalAccess([.. applicable], compiled.Default);
    }

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();

    private static Compiled Compile(GatewayAuthOptions options) =>
        new([.. options.Rules.Select(r => new CompiledRule(r))], options.DefaultEffect);

    private sealed record Compiled(CompiledRule[] Rules, AccessEffect Default);

    /// <summary>One rule with its patterns compiled.</summary>
    internal sealed class CompiledRule
    {
        private readonly GlobPattern[] _principals;
        private readonly string[] _roles;
        private readonly string[] _scopes;
        private readonly GlobPattern[] _servers;
        private readonly GlobPattern[] _tools;
        private readonly GlobPattern[] _prompts;
        private readonly GlobPattern[] _resources;
        private readonly bool _allKinds;

        public CompiledRule(AccessRule rule)
        {
            Effect = rule.Effect;
            _principals = [.. rule.Principals.Select(p => new GlobPattern(p))];
            _roles = [.. rule.Roles];
            _scopes = [.. rule.Scopes];
            _servers = [.. rule.Servers.Select(p => new GlobPattern(p))];
            _tools = [.. rule.Tools.Select(p => new GlobPattern(p))];
            _prompts = [.. rule.Prompts.Select(p => new GlobPattern(p))];
            _resources = [.. rule.Resources.Select(p => new GlobPattern(p))];
            _allKinds = _tools.Length == 0 && _prompts.Length == 0 && _resources.Length == 0;
        }

        public AccessEffect Effect { get; }

        public bool AppliesTo(ClaimsPrincipal? user, string id)
        {
            if (_principals.Length > 0 && !GlobPattern.Any(_principals, id))
            {
                return false;
            }
            if (_roles.Length > 0 && (user is null || !_roles.Any(user.IsInRole)))
            {
                return false;
            }
            return _scopes.Length == 0 || (user is not null && _scopes.Any(s => GatewayPrincipal.HasScope(user, s)));
        }

        public bool Covers(AccessItemKind kind, string server, string name, string? originalName)
        {
            if (_servers.Length > 0 && !GlobPattern.Any(_servers, server))
            {
                return false;
            }
            if (_allKinds)
            {
                return true;
            }
            var patterns = kind switch
            {
                AccessItemKind.Tool => _tools,
                AccessItemKind.Prompt => _prompts,
                _ => _resources,
            };
            return patterns.Length > 0 && GlobPattern.Any(patterns, name, originalName);
        }
    }
}

/// <summary>The access rules of one principal, ready to judge items.</summary>
public sealed class PrincipalAccess
{
    private readonly AccessPolicy.CompiledRule[] _rules;
    private readonly AccessEffect _default;

    internal PrincipalAccess(AccessPolicy.CompiledRule[] rules, AccessEffect defaultEffect)
    {
        _rules = rules;
        _default = defaultEffect;
    }

    /// <summary>True when the principal may see and use the item.</summary>
    public bool Allows(AccessItemKind kind, string server, string name, string? originalName = null)
    {
        foreach (var rule in _rules)
        {
            if (rule.Covers(kind, server, name, originalName))
            {
                return rule.Effect == AccessEffect.Allow;
            }
        }
        return _default == AccessEffect.Allow;
    }
}
