using System.Diagnostics.Metrics;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Telemetry;

/// <summary>
/// The programme's questions as instruments (meter <see cref="WorkflowTelemetry.Name"/>): intake rate, outcome and
/// latency, applications by stage and province (a gauge over the maintained counters), transitions, stage durations,
/// deadlines passed and the 7-working-day service level, partner and officer callbacks, reconciliation repairs, storage
/// requests by service and caller. Tags carry codes and names only (province code, stage, outcome), never personal data.
/// Without a listener (no exporter configured) recording costs a branch.
/// </summary>
public sealed class WorkflowMetrics
{
    readonly Counter<long> submissions;
    readonly Histogram<double> intakeDuration;
    readonly Counter<long> transitions;
    readonly Counter<long> callbacks;
    readonly Histogram<double> callbackDuration;
    readonly Counter<long> repairs;
    readonly Histogram<double> stageDuration;
    readonly Counter<long> deadlinesPassed;
    readonly Counter<long> serviceLevel;
    readonly Meter meter;
    readonly StageDurations durations;

    public WorkflowMetrics(IMeterFactory meters, StorageRequestCounter storageRequests, StageBacklog backlog, StageDurations durations)
    {
        ArgumentNullException.ThrowIfNull(durations);
        this.durations = durations;
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(storageRequests);
        ArgumentNullException.ThrowIfNull(backlog);
        meter = meters.Create(WorkflowTelemetry.Name);
        submissions = meter.CreateCounter<long>("citizenworkflows.intake.submissions", "{submission}",
            "Submissions intake answered, by outcome (accepted, replayed, refused) and province");
        intakeDuration = meter.CreateHistogram<double>("citizenworkflows.intake.duration", "ms",
            "Time intake took to accept a submission (documents stored, workflow started)");
        transitions = meter.CreateCounter<long>("citizenworkflows.stage.transitions", "{transition}",
            "Applications entering a stage, by stage and province");
        callbacks = meter.CreateCounter<long>("citizenworkflows.callbacks", "{event}",
            "Events raised into workflows by partners and officers, by event and outcome");
        callbackDuration = meter.CreateHistogram<double>("citizenworkflows.callbacks.duration", "ms",
            "Time the event route took to answer a partner or officer");
        repairs = meter.CreateCounter<long>("citizenworkflows.reconciliation.repairs", "{repair}",
            "What reconciliation repaired, by kind");
        stageDuration = meter.CreateHistogram<double>("citizenworkflows.stage.duration", "s",
            "How long applications stayed in a stage, recorded when they leave it, by stage and province",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StageDurations.Bounds });
        deadlinesPassed = meter.CreateCounter<long>("citizenworkflows.deadlines.passed", "{deadline}",
            "Waits whose deadline passed (escalation, resend or failure followed), by stage and province");
        serviceLevel = meter.CreateCounter<long>("citizenworkflows.service_level", "{application}",
            "Applications that ended, by outcome against the 7-working-day service level (met, missed), final stage and province");
        meter.CreateObservableGauge("citizenworkflows.applications",
            () => backlog.Observe().Select(c => new Measurement<long>(c.Applications,
                new KeyValuePair<string, object?>("stage", c.Stage.ToString()), new KeyValuePair<string, object?>("province", c.Province))),
            "{application}", "Applications by stage and province now, from the maintained counters (read at most every 30 s)");
        meter.CreateObservableCounter("citizenworkflows.storage.requests",
            () => storageRequests.Snapshot().Cells.Select(c => new Measurement<long>(c.Requests,
                new KeyValuePair<string, object?>("service", c.Service.ToString().ToLowerInvariant()),
                new KeyValuePair<string, object?>("caller", c.Caller))),
            "{request}", "Storage requests (Azure bills per 10,000), by service and caller");
    }

    public void Submission(string outcome, string? province, double milliseconds)
    {
        submissions.Add(1, new("outcome", outcome), new("province", province ?? "unknown"));
        if (outcome == "accepted")
        {
            intakeDuration.Record(milliseconds);
        }
    }

    public void Transition(ApplicationStage stage, string province) =>
        transitions.Add(1, new("stage", stage.ToString()), new("province", province));

    /// <summary>An application left <paramref name="stage"/> after <paramref name="duration"/>.</summary>
    public void StageLeft(ApplicationStage stage, string province, TimeSpan duration)
    {
        double seconds = Math.Max(0, duration.TotalSeconds);
        stageDuration.Record(seconds, new("stage", stage.ToString()), new("province", province));
        durations.Record(stage, province, seconds); // the dashboard's percentiles
    }

    /// <summary>A wait in <paramref name="stage"/> ran out: no answer came before its deadline.</summary>
    public void DeadlinePassed(ApplicationStage stage, string province) =>
        deadlinesPassed.Add(1, new("stage", stage.ToString()), new("province", province));

    /// <summary>An application ended in <paramref name="finalStage"/> at <paramref name="at"/>, due by <paramref
    /// name="dueAt"/> (7 working days after intake).</summary>
    public void Ended(ApplicationStage finalStage, string province, DateTimeOffset at, DateTimeOffset dueAt) =>
        serviceLevel.Add(1, new("outcome", at <= dueAt ? "met" : "missed"), new("stage", finalStage.ToString()), new("province", province));

    public void Callback(string eventName, string outcome, double milliseconds)
    {
        callbacks.Add(1, new("event", eventName), new("outcome", outcome));
        callbackDuration.Record(milliseconds, new KeyValuePair<string, object?>("event", eventName));
    }

    /// <summary>
    /// Work items the runtime ran (orchestration episodes, activity executions), where the host's runtime counts them
    /// (the Local host's dispatchers): divided by lifecycles ended, the cost of one lifecycle.
    /// </summary>
    public void ObserveWorkItems(Func<long> orchestrationEpisodes, Func<long> activityExecutions)
    {
        ArgumentNullException.ThrowIfNull(orchestrationEpisodes);
        ArgumentNullException.ThrowIfNull(activityExecutions);
        meter.CreateObservableCounter("citizenworkflows.work_items",
            () => new[]
            {
                new Measurement<long>(orchestrationEpisodes(), new KeyValuePair<string, object?>("kind", "orchestration")),
                new Measurement<long>(activityExecutions(), new KeyValuePair<string, object?>("kind", "activity")),
            },
            "{work_item}", "Orchestration episodes and activity executions the runtime ran");
    }

    public void Repair(string kind, int count = 1) => repairs.Add(count, new KeyValuePair<string, object?>("kind", kind));
}
