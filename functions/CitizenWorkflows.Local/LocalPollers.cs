using CitizenWorkflows.Local.Lifecycle;
using CitizenWorkflows.Local.Notifications;
using CitizenWorkflows.Local.Operations;
using CitizenWorkflows.Local.Packets;
using CitizenWorkflows.Local.Production;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Lifecycle;

namespace CitizenWorkflows.Local;

/// <summary>
/// What the Local host runs in place of the Functions app's storage triggers (<see cref="PolledTriggers"/>): one
/// poller per trigger. The parity test holds this map to <see cref="PolledTriggers.All"/> and to functions.metadata.
/// </summary>
public static class LocalPollers
{
    /// <summary>Trigger function name → the <c>BackgroundService</c> that stands in for it.</summary>
    public static readonly IReadOnlyDictionary<string, Type> All = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [PolledTriggers.ProcessOfflinePacket] = typeof(PacketPoller),
        [PolledTriggers.DispatchNotifications] = typeof(NotificationPoller),
        [PolledTriggers.CloseCardBatches] = typeof(CardBatchPoller),
        [PolledTriggers.ReconcileApplications] = typeof(ReconciliationPoller),
        [PolledTriggers.SweepDeadlines] = typeof(DeadlinePoller),
        [PolledTriggers.SweepCampaign] = typeof(Campaign.CampaignPoller),
    };

    /// <summary>Registers every poller of <see cref="All"/> with its options (sections <c>Packets</c>, <c>Notifications</c>, <c>CardBatches:Poller</c>, <c>Reconciliation:Poller</c>, <c>Deadlines:Poller</c>, <c>Campaign:Poller</c>); what they call comes with <c>AddCitizenWorkflows</c>.</summary>
    public static IServiceCollection AddLocalPollers(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<PacketPollerOptions>(configuration.GetSection(PacketPollerOptions.SectionName));
        services.AddHostedService<PacketPoller>();
        services.Configure<NotificationPollerOptions>(configuration.GetSection(NotificationPollerOptions.SectionName));
        services.AddHostedService<NotificationPoller>();
        services.Configure<CardBatchPollerOptions>(configuration.GetSection(CardBatchPollerOptions.SectionName));
        services.AddHostedService<CardBatchPoller>();
        services.Configure<ReconciliationPollerOptions>(configuration.GetSection(ReconciliationPollerOptions.SectionName));
        services.AddHostedService<ReconciliationPoller>();
        services.Configure<DeadlinePollerOptions>(configuration.GetSection(DeadlinePollerOptions.SectionName));
        services.AddHostedService<DeadlinePoller>();
        services.Configure<Campaign.CampaignPollerOptions>(configuration.GetSection(Campaign.CampaignPollerOptions.SectionName));
        services.AddHostedService<Campaign.CampaignPoller>();
        // Operators' runs start at once here (replacing the Functions app's "at the next tick").
        services.AddSingleton<ReconciliationRequestRunner>();
        services.AddSingleton<Workflow.Operations.Reconciliation.IReconciliationRunSignal>(sp => sp.GetRequiredService<ReconciliationRequestRunner>());
        services.AddHostedService(sp => sp.GetRequiredService<ReconciliationRequestRunner>());
        return services;
    }
}
