using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        services.AddSingleton<ReconciliationRuns>();
        services.AddSingleton<InFlightCursor>();
        // The Functions app takes requested runs at its next tick; the Local host replaces this to take them at once.
        services.TryAddSingleton<IReconciliationRunSignal, NoReconciliationRunSignal>();
        services.AddSingleton<Housekeeping>();
        services.AddSingleton<RedriveAttempts>();
        services.AddSingleton<LostWorkOrders>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<ReconciliationEndpoint>();
        services.AddTables(Escalations.TableName, RedriveAttempts.TableName);
        services.AddContainers(ReconciliationLock.Container, ReconciliationReports.Container);
        return services;
    }
}

/// <summary>Tells the host that an operator asked for a reconciliation run (<see cref="Reconciler.RunRequestedAsync"/> takes it).</summary>
public interface IReconciliationRunSignal
{
    void Requested();
}

/// <summary>For hosts that take requests on their schedule (the Functions app's reconciliation timer).</summary>
public sealed class NoReconciliationRunSignal : IReconciliationRunSignal
{
    public void Requested()
    {
    }
}
