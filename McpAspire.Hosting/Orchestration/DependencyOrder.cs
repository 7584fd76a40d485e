using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting.Orchestration;

/// <summary>
/// Dependencies from <c>WaitFor</c> and <c>WithReference</c>; the stop sequence is the reverse: a resource stops only
/// after everything that depends on it has stopped.
/// </summary>
internal static class DependencyOrder
{
    /// <summary>The resources <paramref name="resource"/> depends on, among <paramref name="all"/>.</summary>
    public static IEnumerable<IResource> DependenciesOf(IResource resource, IReadOnlyCollection<IResource> all)
    {
        var direct = resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource)
            .Concat(resource.Annotations.OfType<ResourceRelationshipAnnotation>().Select(r => r.Resource));
        // A parameter belongs to the resource that uses it (redis-password to redis): follow through to real resources only.
        return direct.Where(all.Contains).Distinct();
    }

    /// <summary>Layers to stop in order: each layer holds resources no remaining resource depends on.</summary>
    public static IReadOnlyList<IReadOnlyList<IResource>> StopLayers(IReadOnlyCollection<IResource> resources, Func<IResource, IEnumerable<IResource>>? implicitDependencies = null)
    {
        var remaining = new HashSet<IResource>(resources);
        var deps = resources.ToDictionary(r => r, r => DependenciesOf(r, resources).Concat(implicitDependencies?.Invoke(r) ?? []).Where(remaining.Contains).ToHashSet());
        var layers = new List<IReadOnlyList<IResource>>();
        while (remaining.Count > 0)
        {
            var layer = remaining.Where(r => !remaining.Any(other => other != r && deps[other].Contains(r))).ToList();
            if (layer.Count == 0)
            {
                // A cycle (not constructible through WaitFor on itself, but references may form one): stop the rest together.
                layer = [.. remaining];
            }
            layers.Add(layer);
            remaining.ExceptWith(layer);
        }
        return layers;
    }

    /// <summary>Throws when <c>WaitFor</c> edges form a cycle (nothing could ever start).</summary>
    public static void ThrowOnWaitCycle(IReadOnlyCollection<IResource> resources)
    {
        var state = new Dictionary<IResource, int>();
        foreach (var r in resources)
        {
            Visit(r, []);
        }

        void Visit(IResource r, List<string> path)
        {
            if (state.TryGetValue(r, out var s))
            {
                if (s == 1)
                {
                    throw new DistributedApplicationException($"WaitFor cycle: {string.Join(" -> ", path.Append(r.Name))}.");
                }
                return;
            }
            state[r] = 1;
            path.Add(r.Name);
            foreach (var w in r.Annotations.OfType<WaitAnnotation>())
            {
                Visit(w.Resource, path);
            }
            path.RemoveAt(path.Count - 1);
            state[r] = 2;
        }
    }
}
