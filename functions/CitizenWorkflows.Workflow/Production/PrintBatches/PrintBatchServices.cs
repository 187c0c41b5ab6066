using CitizenWorkflows.Workflow.Orchestration.Batches;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Production.PrintBatches;

public static class PrintBatchServices
{
    /// <summary>
    /// Print batches (section <c>PrintBatches</c>): the backlog (table <c>printbacklog</c>) print attempts join, its
    /// closer (run through <see cref="DueBatches"/>), the manifests (container <c>print-batches</c>) and the print
    /// centre's queue (<c>print-orders</c>).
    /// </summary>
    public static IServiceCollection AddPrintBatches(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrintBatchOptions>().Bind(configuration.GetSection(PrintBatchOptions.SectionName));
        services.AddBatchedWorkOrders<PrintBacklog, PrintBatchCloser, BatchedPrintOrders>();
        services.AddTables(PrintBacklog.Table);
        services.AddQueues(StorageNames.PrintOrdersQueue);
        services.AddContainers(PrintBatchCloser.ManifestContainer);
        return services;
    }
}
