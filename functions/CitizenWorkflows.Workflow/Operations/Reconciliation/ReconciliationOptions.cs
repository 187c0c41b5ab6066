using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>Configuration section <c>Reconciliation</c>: when a stage counts as stuck, how much one run may do,
/// housekeeping windows.</summary>
public sealed class ReconciliationOptions
{
    public const string SectionName = "Reconciliation";

    /// <summary>
    /// How long an application may stay in a stage (since its last transition) before it counts as stuck, for stages
    /// <see cref="StageThresholds"/> does not name. The workflow's own deadlines come first; these catch what they miss.
    /// </summary>
    public static readonly IReadOnlyDictionary<ApplicationStage, TimeSpan> DefaultStageThresholds = new Dictionary<ApplicationStage, TimeSpan>
    {
        [ApplicationStage.Received] = TimeSpan.FromMinutes(30),
        [ApplicationStage.DocumentsStored] = TimeSpan.FromHours(1),
        [ApplicationStage.BiometricCheck] = TimeSpan.FromDays(1),
        [ApplicationStage.ManualReview] = TimeSpan.FromDays(7),
        [ApplicationStage.AwaitingApproval] = TimeSpan.FromDays(9),
        [ApplicationStage.AwaitingInformation] = TimeSpan.FromDays(15),
        [ApplicationStage.Approved] = TimeSpan.FromHours(1),
        [ApplicationStage.Personalised] = TimeSpan.FromHours(1),
        [ApplicationStage.Printing] = TimeSpan.FromDays(3),
        [ApplicationStage.Printed] = TimeSpan.FromDays(3),
        [ApplicationStage.Shipped] = TimeSpan.FromDays(4),
        [ApplicationStage.InTransit] = TimeSpan.FromDays(4),

        // A card may wait at the station for the citizen up to the collection deadline (90 days).
        [ApplicationStage.AtStation] = TimeSpan.FromDays(91),
    };

    /// <summary>The threshold of a stage neither <see cref="StageThresholds"/> nor the defaults name (stages added later).</summary>
    public TimeSpan DefaultStageThreshold { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Stage name → how long an application may stay there; overrides <see cref="DefaultStageThresholds"/>.</summary>
    public Dictionary<string, TimeSpan> StageThresholds { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A workflow whose status changed more recently than this is in flight: its row may lag by one activity, so a missing
    /// or older row is not drift yet.
    /// </summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long after its own wait deadline a workflow still waiting counts as stuck (its timer should have fired).</summary>
    public TimeSpan DeadlineGrace { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Workflows created within this are listed from the orchestration service (any status) and checked each run: it finds
    /// an application whose projection row was never written. Keep it above the run interval.
    /// </summary>
    public TimeSpan RecentWorkflows { get; set; } = TimeSpan.FromHours(6);

    /// <summary>At most this many recently created workflows are checked per run (the report says when more were left).</summary>
    public int MaxApplicationsPerRun { get; set; } = 20_000;

    /// <summary>
    /// How many applications in flight each run checks from the persisted cursor: N in flight are all checked within
    /// ⌈N / this⌉ runs (about 150 runs, 38 hours at one run every 15 minutes, for 3 million).
    /// </summary>
    public int MaxInFlightPerRun { get; set; } = 20_000;

    /// <summary>
    /// Projection rows each run recounts the counters over (<see cref="Query.CounterRecount"/>, resumable; 0: off). A
    /// difference is written when two full passes in a row found it the same. At 63 million rows and 20,000 a run, a
    /// pass takes 3,150 runs (about 33 days at one run every 15 minutes): raise it to repair sooner.
    /// </summary>
    public int CounterRecountRowsPerRun { get; set; } = 20_000;

    /// <summary>How many applications are checked at once.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>Re-drives reconciliation may make of one application in one stage before it only escalates.</summary>
    public int MaxRedriveAttempts { get; set; } = 2;

    /// <summary>The run lock's blob lease (15–60 s); it is renewed every third of it while the run goes on.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    public HousekeepingOptions Housekeeping { get; set; } = new();

    public TimeSpan ThresholdFor(ApplicationStage stage) =>
        StageThresholds.TryGetValue(stage.ToString(), out TimeSpan configured) ? configured
        : DefaultStageThresholds.TryGetValue(stage, out TimeSpan known) ? known
        : DefaultStageThreshold;
}

/// <summary>Configuration section <c>Reconciliation:Housekeeping</c>: how long each kind of ledger entry is kept.</summary>
public sealed class HousekeepingOptions
{
    /// <summary>
    /// Idempotency keys (kiosk retries and offline packets) are answered for this long after their first use; it must
    /// exceed the longest time a kiosk or mobile team may send the same request or packet again.
    /// </summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Kiosk nonces are kept this long after the request's timestamp: at least twice the ±5 min clock window.</summary>
    public TimeSpan NonceRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Packet receipts are kept this long after processing (and while their blob version is still in <c>packets</c>).</summary>
    public TimeSpan ReceiptRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>At most this many entries are deleted from each table per run; the rest wait for the next run.</summary>
    public int MaxDeletesPerTable { get; set; } = 1000;

    /// <summary>
    /// A card-application workflow that completed (delivered, rejected, cancelled) keeps its runtime state (instance
    /// row and history, which the operators' detail view shows) until this long after it was created; then it is
    /// purged. The projection, timeline, audit and documents are kept regardless.
    /// </summary>
    public TimeSpan CompletedWorkflowRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>At most this many workflows are purged per run (the programme completes ~350,000 a day; runs come every
    /// 15 minutes).</summary>
    public int MaxWorkflowPurges { get; set; } = 10_000;
}
