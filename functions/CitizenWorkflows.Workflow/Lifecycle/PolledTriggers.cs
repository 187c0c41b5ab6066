using CitizenWorkflows.Workflow.Intake.OfflinePackets;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// Functions started by storage rather than by HTTP or the Durable runtime, written once: the Functions app declares
/// each with its trigger (blob, queue, timer), the Local host runs each as a poller (a <c>BackgroundService</c>), and
/// the parity test holds both to this list.
/// </summary>
public static class PolledTriggers
{
    public const string BlobTrigger = "blobTrigger";
    public const string TimerTrigger = "timerTrigger";

    /// <summary>Every 30 seconds → <see cref="Notifications.NotificationDispatcher.DispatchPendingAsync"/>.</summary>
    public const string DispatchNotifications = nameof(DispatchNotifications);

    /// <summary>Every 10 seconds → <see cref="Orchestration.Batches.BatchCloser.CloseDueBatchesAsync"/> of every
    /// closer: print batches and shipments.</summary>
    public const string CloseCardBatches = nameof(CloseCardBatches);

    public const string CloseCardBatchesSchedule = "*/10 * * * * *";

    /// <summary>NCRONTAB (with seconds) of <see cref="DispatchNotifications"/>.</summary>
    public const string DispatchNotificationsSchedule = "*/30 * * * * *";

    /// <summary>An upload in <c>packets</c> → <see cref="PacketProcessor.ProcessAsync"/>.</summary>
    public const string ProcessOfflinePacket = nameof(ProcessOfflinePacket);

    /// <summary>
    /// Every 15 minutes by default → <see cref="Operations.Reconciliation.Reconciler.TryRunAsync"/>; the schedule is the
    /// app setting <c>Reconciliation__Schedule</c> (NCRONTAB with seconds).
    /// </summary>
    public const string ReconcileApplications = nameof(ReconcileApplications);

    public const string ReconcileApplicationsSchedule = "%Reconciliation:Schedule%";

    /// <summary>Every 10 seconds → <see cref="Orchestration.Deadlines.DeadlineSweep.RunAsync"/>: the wait deadlines
    /// that have come.</summary>
    public const string SweepDeadlines = nameof(SweepDeadlines);

    public const string SweepDeadlinesSchedule = "*/10 * * * * *";

    /// <summary>Every 5 minutes → <see cref="Campaign.Appointments.CampaignSweep.RunAsync"/>: reminders for tomorrow,
    /// no-shows of ended sessions.</summary>
    public const string SweepCampaign = nameof(SweepCampaign);

    public const string SweepCampaignSchedule = "0 */5 * * * *";

    public static readonly IReadOnlyList<PolledTrigger> All =
    [
        new(ProcessOfflinePacket, BlobTrigger, OfflinePacketStorage.TriggerPath),
        new(DispatchNotifications, TimerTrigger, DispatchNotificationsSchedule),
        new(CloseCardBatches, TimerTrigger, CloseCardBatchesSchedule),
        new(ReconcileApplications, TimerTrigger, ReconcileApplicationsSchedule),
        new(SweepDeadlines, TimerTrigger, SweepDeadlinesSchedule),
        new(SweepCampaign, TimerTrigger, SweepCampaignSchedule),
    ];
}

/// <summary>One storage-started function: its name, the Functions trigger binding type and the path it watches.</summary>
public sealed record PolledTrigger(string Name, string Trigger, string Path);
