using McpAspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Eventing;
using Microsoft.Extensions.Configuration;

namespace McpAspire.Hosting;

/// <summary>Builds the application model: add resources, wire them, then <see cref="Build"/>.</summary>
public interface IDistributedApplicationBuilder
{
    /// <summary>The AppHost's configuration (environment, appsettings.json, command line).</summary>
    ConfigurationManager Configuration { get; }

    /// <summary>Run or publish.</summary>
    DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <summary>The AppHost project's directory; relative project paths start here.</summary>
    string AppHostDirectory { get; }

    /// <summary>The resources added so far.</summary>
    IList<IResource> Resources { get; }

    /// <summary>Lifecycle event subscriptions.</summary>
    IDistributedApplicationEventing Eventing { get; }

    /// <summary>Adds a resource; names are unique (case-insensitive).</summary>
    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    /// <summary>Freezes the model and creates the application.</summary>
    DistributedApplication Build();
}
