using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CitizenWorkflows.Workflow.Production.PrintBatches;

public static class PrintBatchServices
{
    public static IServiceCollection AddPrintBatches(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrintBatchOptions>().Bind(configuration.GetSection(PrintBatchOptions.SectionName));
        services.TryAddSingleton<PrintBacklog>();
        services.TryAddSingleton<PrintBatchCloser>();
        services.AddHostedService<PrintBatchStorageInitializer>();
        return services;
    }
}

/// <summary>Creates the print queue table and the manifest container at start-up (idempotent).</summary>
public sealed class PrintBatchStorageInitializer(PrintBacklog queue, BlobServiceClient blobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.WhenAll(
        queue.EnsureTableAsync(cancellationToken),
        blobs.GetBlobContainerClient(PrintBatchCloser.ManifestContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
