using System.Diagnostics.Metrics;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Telemetry;

/// <summary>
/// The programme's questions as instruments (meter <see cref="WorkflowTelemetry.Name"/>): intake rate, outcome and
/// latency, transitions by stage and province, partner and officer callbacks, reconciliation repairs, storage requests
/// by service and caller. Tags carry codes and names only (province code, stage, outcome), never personal data.
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

    public WorkflowMetrics(IMeterFactory meters, StorageRequestCounter storageRequests)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(storageRequests);
        Meter meter = meters.Create(WorkflowTelemetry.Name);
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

    public void Callback(string eventName, string outcome, double milliseconds)
    {
        callbacks.Add(1, new("event", eventName), new("outcome", outcome));
        callbackDuration.Record(milliseconds, new KeyValuePair<string, object?>("event", eventName));
    }

    public void Repair(string kind, int count = 1) => repairs.Add(count, new KeyValuePair<string, object?>("kind", kind));
}
