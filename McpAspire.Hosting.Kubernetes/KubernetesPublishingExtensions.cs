using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using McpAspire.Hosting.Kubernetes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// <c>AddKubernetesPublishing</c>: two steps of Aspire's publishing pipeline that need no Aspire.Hosting.Kubernetes.
/// <c>publish-kubernetes</c> writes the app model as Kubernetes manifests with a kustomization;
/// <c>publish-kubernetes-images</c> builds each project's image as an OCI archive with <c>dotnet publish</c> (no daemon).
/// Run one with <c>dotnet run --project McpAspire.AppHost -- --operation publish --step publish-kubernetes --output-path k8s</c>.
/// </summary>
public static class KubernetesPublishingExtensions
{
    /// <summary>The manifests step.</summary>
    public const string ManifestsStep = "publish-kubernetes";

    /// <summary>The image archives step.</summary>
    public const string ImagesStep = "publish-kubernetes-images";

    /// <summary>Adds both steps, with options from the <c>Kubernetes</c> configuration section, then <paramref name="configure"/>.</summary>
    public static IDistributedApplicationBuilder AddKubernetesPublishing(this IDistributedApplicationBuilder builder, Action<KubernetesPublishOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new KubernetesPublishOptions();
        builder.Configuration.GetSection(KubernetesPublishOptions.SectionName).Bind(options);
        configure?.Invoke(options);

        builder.Pipeline.AddStep(ManifestsStep, async context =>
        {
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
            var publisher = new KubernetesManifestPublisher(options);
            var manifests = await publisher.BuildAsync(context.Model, context.ExecutionContext, context.CancellationToken).ConfigureAwait(false);
            var files = publisher.Write(manifests, output);
            context.Logger.LogInformation("Wrote {Count} Kubernetes files to {Output}; the Secret's keys: {Keys}.", files.Count, output, string.Join(", ", manifests.SecretKeys));
        }, requiredBy: WellKnownPipelineSteps.Publish);

        builder.Pipeline.AddStep(ImagesStep, async context =>
        {
            var output = Path.Combine(context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory(), "images");
            var images = new ContainerImagePublisher(options, context.Logger);
            foreach (var project in context.Model.Resources.OfType<ProjectResource>()
                .Where(p => options.ImageResources.Count == 0 || options.ImageResources.Contains(p.Name)))
            {
                await images.PublishAsync(project.Name, project.GetProjectMetadata().ProjectPath, output, context.CancellationToken).ConfigureAwait(false);
            }
        });
        return builder;
    }
}
