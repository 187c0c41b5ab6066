using CitizenWorkflows.Local.Campaign;
using CitizenWorkflows.Local.Lifecycle;
using CitizenWorkflows.Local.Notifications;
using CitizenWorkflows.Local.Operations;
using CitizenWorkflows.Local.Packets;
using CitizenWorkflows.Local.Production;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Local.Pollers;

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
        [PolledTriggers.ProcessOfflinePacket] = typeof(PeriodicPoller<OfflinePacketIntake>),
        [PolledTriggers.DispatchNotifications] = typeof(PeriodicPoller<NotificationDispatch>),
        [PolledTriggers.CloseCardBatches] = typeof(PeriodicPoller<CardBatchClosing>),
        [PolledTriggers.ReconcileApplications] = typeof(PeriodicPoller<ScheduledReconciliation>),
        [PolledTriggers.SweepDeadlines] = typeof(PeriodicPoller<DeadlineRaising>),
        [PolledTriggers.SweepCampaign] = typeof(PeriodicPoller<CampaignFollowUp>),
    };

    /// <summary>Registers every poller of <see cref="All"/> with its <see cref="PollerOptions"/> (sections
    /// <c>Packets</c>, <c>Notifications</c>, <c>CardBatches:Poller</c>, <c>Reconciliation:Poller</c>,
    /// <c>Deadlines:Poller</c>, <c>Campaign:Poller</c>); what they call comes with
    /// <c>AddCitizenWorkflows</c>.</summary>
    public static IServiceCollection AddLocalPollers(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddPoller<OfflinePacketIntake>(configuration);
        services.AddPoller<NotificationDispatch>(configuration);
        services.AddPoller<CardBatchClosing>(configuration);
        services.AddPoller<ScheduledReconciliation>(configuration);
        services.AddPoller<DeadlineRaising>(configuration);
        services.AddPoller<CampaignFollowUp>(configuration);
        // Operators' runs start at once here (replacing the Functions app's "at the next tick").
        services.AddSingleton<ReconciliationRequestRunner>();
        services.AddSingleton<Workflow.Operations.Reconciliation.IReconciliationRunSignal>(sp => sp.GetRequiredService<ReconciliationRequestRunner>());
        services.AddHostedService(sp => sp.GetRequiredService<ReconciliationRequestRunner>());
        return services;
    }

    static void AddPoller<TWork>(this IServiceCollection services, IConfiguration configuration)
        where TWork : class, IDueWork
    {
        // One options type, named per poller: each keeps its own section and so its configuration keys.
        services.Configure<PollerOptions>(TWork.Section, options => options.PollInterval = TWork.DefaultInterval);
        services.Configure<PollerOptions>(TWork.Section, configuration.GetSection(TWork.Section));
        services.AddSingleton<TWork>();
        services.AddHostedService<PeriodicPoller<TWork>>();
    }
}
