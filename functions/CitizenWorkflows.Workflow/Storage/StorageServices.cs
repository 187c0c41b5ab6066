using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Storage;

public static class StorageServices
{
    /// <summary>
    /// The stored documents (container <c>documents</c>), the projection of every application (tables <c>applications</c>,
    /// <c>applicationtimeline</c>) and the expiry index of the ledgers (<c>ledgerexpiry</c>).
    /// </summary>
    public static IServiceCollection AddApplicationStorage(this IServiceCollection services)
    {
        services.AddSingleton<DocumentStore>();
        services.AddSingleton<ApplicationProjection>();
        services.AddContainers(StorageNames.DocumentsContainer);
        services.AddTables(StorageNames.ApplicationsTable, StorageNames.TimelineTable, LedgerExpiry.TableName);
        return services;
    }
}
