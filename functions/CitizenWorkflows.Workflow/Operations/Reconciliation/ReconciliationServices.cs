using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

public static class ReconciliationServices
{
    /// <summary>Registers reconciliation and housekeeping with their options (section <c>Reconciliation</c>).</summary>
    public static IServiceCollection AddReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.SectionName));
        services.AddSingleton<Escalations>();
        services.AddSingleton<ReconciliationLock>();
        services.AddSingleton<ReconciliationReports>();
        services.AddSingleton<Housekeeping>();
        services.AddSingleton<RedriveAttempts>();
        services.AddSingleton<LostWorkOrders>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<ReconciliationEndpoint>();
        return services;
    }
}
