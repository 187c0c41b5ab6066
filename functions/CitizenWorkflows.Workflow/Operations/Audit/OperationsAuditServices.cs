using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Operations.Audit;

public static class OperationsAuditServices
{
    /// <summary>The append-only audit of operators' actions and document reads (table <c>operationsaudit</c>).</summary>
    public static IServiceCollection AddOperationsAudit(this IServiceCollection services)
    {
        services.AddSingleton<OperationsAudit>();
        services.AddTables(StorageNames.OperationsAuditTable);
        return services;
    }
}
