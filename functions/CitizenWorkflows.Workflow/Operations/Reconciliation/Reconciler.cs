using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Actions;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Storage;
using CitizenWorkflows.Workflow.Telemetry;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>
/// One reconciliation run, started by the timer, the Local host's poller or an operator's request: under the run lock,
/// it compares the applications in reach (workflows started within <c>RecentWorkflows</c>, and the next
/// <c>MaxInFlightPerRun</c> applications in flight from the persisted <see cref="InFlightCursor"/>, so every
/// application in flight is checked once per pass of ⌈N / cap⌉ runs) with its orchestration, repairs projection drift
/// from the journal's last transition, re-drives failed workflows (<see cref="ApplicationRedrive"/>) and lost print
/// orders (<see cref="LostWorkOrders"/>), escalates what it cannot put right, sweeps stale ledger entries and stores
/// the report. Every action is idempotent, so a run may start at any moment and repeat any other.
/// </summary>
public sealed partial class Reconciler(
    TableServiceClient tables,
    ApplicationProjection projection,
    Escalations escalations,
    LostWorkOrders lostWorkOrders,
    ApplicationRedrive redrive,
    RedriveAttempts redriveAttempts,
    Housekeeping housekeeping,
    ReconciliationLock runLock,
    ReconciliationReports reports,
    ReconciliationRuns runs,
    InFlightCursor cursor,
    ApplicationCounters counters,
    CounterRecount recount,
    IOptionsMonitor<ReconciliationOptions> options,
    TimeProvider clock,
    WorkflowMetrics metrics,
    ILogger<Reconciler> log)
{

    static readonly OrchestrationRuntimeStatus[] Active =
        [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Suspended];

    static readonly OrchestrationRuntimeStatus[] Ended =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    TableClient Applications => tables.GetTableClient(StorageNames.ApplicationsTable);

    /// <summary>Runs once unless another run holds the lock; null then ("already running"), and nothing was done.</summary>
    public Task<ReconciliationReport?> TryRunAsync(DurableTaskClient client, string trigger, CancellationToken cancellationToken) =>
        TryRunAsync(client, trigger, requested: null, cancellationToken);

    /// <summary>
    /// Runs every run operators asked for and no host has taken yet, oldest first (the Local host calls it when asked,
    /// the Functions app at each reconciliation tick). A request taken while another run holds the lock is marked not-run.
    /// </summary>
    public async Task RunRequestedAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        foreach (string runId in await runs.QueuedAsync(cancellationToken))
        {
            if (!await runs.TakeAsync(runId, cancellationToken) || await runs.ReadAsync(runId, cancellationToken) is not { } status)
            {
                continue; // another host took it
            }

            if (await TryRunAsync(client, status.Trigger, status, cancellationToken) is null)
            {
                await runs.WriteAsync(status with
                {
                    Status = RunStates.NotRun, FinishedAt = clock.GetUtcNow(),
                    Detail = "another reconciliation run held the lock when this one was taken; it does the same work",
                }, cancellationToken);
            }
        }
    }

    async Task<ReconciliationReport?> TryRunAsync(DurableTaskClient client, string trigger, ReconciliationRunStatus? requested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ReconciliationOptions o = options.CurrentValue;
        await using ReconciliationLock.Held? held = await runLock.TryAcquireAsync(o.LeaseDuration, cancellationToken);
        if (held is null)
        {
            LogAlreadyRunning(log, trigger);
            return null;
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, held.Lost);
        DateTimeOffset startedAt = clock.GetUtcNow();
        string runId = requested?.RunId ?? ReconciliationReports.NewRunId(startedAt);
        LogStarted(log, runId, trigger);

        (Dictionary<string, Candidate> candidates, bool truncated, ReconciliationCoverage coverage) = await DiscoverAsync(client, startedAt, o, run.Token);
        var status = new ReconciliationRunStatus(runId, RunStates.Running, trigger, requested?.RequestedAt ?? startedAt, startedAt, null, 0, coverage, null);
        await runs.WriteAsync(status, run.Token);
        var items = new ConcurrentBag<ReconciliationItem>();
        int done = 0;
        using var progress = new SemaphoreSlim(1, 1);
        await Parallel.ForEachAsync(
            candidates,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, o.Parallelism), CancellationToken = run.Token },
            async (candidate, ct) =>
            {
                foreach (ReconciliationItem item in await CheckAsync(client, candidate.Key, candidate.Value, runId, o, ct))
                {
                    items.Add(item);
                }

                // Progress for GET …/runs/{runId}: every 1,000 checks (by count, not time, so a run's cost does not depend on speed).
                int n = Interlocked.Increment(ref done);
                if (n % 1000 == 0 && await progress.WaitAsync(0, ct))
                {
                    try
                    {
                        await runs.WriteAsync(status with { Checked = n }, ct);
                    }
                    finally
                    {
                        progress.Release();
                    }
                }
            });

        HousekeepingResult swept = await housekeeping.SweepAsync(client, run.Token);
        // The counters' recount goes on here, under the run's lock (two recounts must not both correct a cell).
        RecountProgress? recounted = o.CounterRecountRowsPerRun > 0
            ? await recount.RunAsync(o.CounterRecountRowsPerRun, reindex: false, run.Token, confirm: true)
            : null;
        if (recounted is { Finished: true })
        {
            LogRecounted(log, runId, recounted.RowsRead, recounted.Corrections.Count, recounted.Suspected.Count);
        }

        ReconciliationItem[] ordered = [.. items.OrderBy(i => i.ApplicationId, StringComparer.Ordinal).ThenBy(i => i.Finding, StringComparer.Ordinal)];
        var report = new ReconciliationReport(
            runId, trigger, startedAt, clock.GetUtcNow(), candidates.Count, truncated,
            Count(ordered.Select(i => i.Finding)), Count(ordered.Select(i => i.Action)), swept, ordered, coverage, CounterRecount: recounted);
        await reports.WriteAsync(report, run.Token);
        foreach (ReconciliationItem repaired in ordered.Where(i => !i.Outcome.StartsWith("failed", StringComparison.Ordinal) && !i.Outcome.StartsWith("skipped", StringComparison.Ordinal)))
        {
            metrics.Repair(repaired.Action);
        }

        // The lock goes before the status says finished: a caller who sees "finished" may ask for the next run at once.
        await held.DisposeAsync();
        await runs.WriteAsync(status with { Status = RunStates.Finished, FinishedAt = report.FinishedAt, Checked = candidates.Count }, cancellationToken);
        LogFinished(log, runId, candidates.Count, ordered.Length, swept.IdempotencyKeysDeleted + swept.NoncesDeleted + swept.ReceiptsDeleted, swept.WorkflowsPurged, coverage.Text);
        return report;
    }

    /// <summary>A listed orchestration (or null: look it up) and the projection row read by the scan (or null: read it).</summary>
    sealed record Candidate(OrchestrationMetadata? Listed, TableEntity? ScannedRow);

    async Task<(Dictionary<string, Candidate>, bool Truncated, ReconciliationCoverage)> DiscoverAsync(
        DurableTaskClient client, DateTimeOffset now, ReconciliationOptions o, CancellationToken cancellationToken)
    {
        var candidates = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        int max = Math.Max(1, o.MaxApplicationsPerRun);
        bool truncated = false;

        // Workflows started lately, whatever their status: finds a row never written or lost at the start (such an
        // application is not in the in-flight index). Proportional to the intake rate, not to every application ever made.
        OrchestrationQuery[] queries =
        [
            new() { Statuses = Active, CreatedFrom = now - o.RecentWorkflows, FetchInputsAndOutputs = true, PageSize = 100 },
            new() { Statuses = Ended, CreatedFrom = now - o.RecentWorkflows, FetchInputsAndOutputs = true, PageSize = 100 },
        ];
        foreach (OrchestrationQuery query in queries)
        {
            await foreach (OrchestrationMetadata instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
            {
                if (instance.Name != CardApplicationOrchestration.Name || candidates.ContainsKey(instance.InstanceId))
                {
                    continue;
                }

                if (candidates.Count == max)
                {
                    truncated = true;
                    break;
                }

                candidates[instance.InstanceId] = new Candidate(instance, null);
            }
        }

        // The next stretch of every application in flight (the projection says so, whatever its workflow says): finds
        // orphans, rows left behind, workflows that ended or broke without the row knowing, stuck work.
        int cap = Math.Max(1, o.MaxInFlightPerRun);
        CursorPage page = await cursor.NextAsync(cap, cancellationToken);
        foreach (string id in page.ApplicationIds)
        {
            candidates.TryAdd(id, new Candidate(null, null));
        }

        ApplicationCounts counts = await counters.ReadAsync(new CountScope(null, null, null, null), null, cancellationToken);
        long inFlight = Enum.GetValues<ApplicationStage>().Where(s => !s.IsFinal()).Sum(s => (long)counts.ByStage[s.ToString()]);
        var coverage = new ReconciliationCoverage(
            page.ApplicationIds.Count, inFlight, cap, page.Pass, page.CheckedInPass, page.PassCompleted, Math.Max(1, (inFlight + cap - 1) / cap));
        return (candidates, truncated || !page.PassCompleted, coverage);
    }

    async Task<IReadOnlyList<ReconciliationItem>> CheckAsync(
        DurableTaskClient client, string id, Candidate candidate, string runId, ReconciliationOptions o, CancellationToken cancellationToken)
    {
        try
        {
            // The row is read before the orchestration, so a status the workflow stored since is seen. The row may
            // still lead the status: the journal's entries are written by the activity that follows them, and the
            // runtime sends that activity before it stores the episode's status. A listed orchestration is older than
            // the row: read it again before believing any finding.
            ProjectedApplication? row = candidate.ScannedRow is { } scanned ? ProjectedApplication.From(scanned) : await ReadRowAsync(id, cancellationToken);
            bool fresh = candidate.Listed is null || candidate.ScannedRow is not null;
            WorkflowState? workflow = fresh ? await ReadWorkflowAsync(client, id, cancellationToken) : StateOf(candidate.Listed);
            IReadOnlyList<Finding> findings = DriftCheck.Evaluate(row, workflow, clock.GetUtcNow(), o, await JournaledAheadAsync(row, workflow, cancellationToken));
            // A row ahead of a listed status is no finding, but the listing may be what is behind: read it again too.
            if ((findings.Count > 0 || Leads(row, workflow)) && !fresh)
            {
                workflow = await ReadWorkflowAsync(client, id, cancellationToken);
                findings = DriftCheck.Evaluate(row, workflow, clock.GetUtcNow(), o, await JournaledAheadAsync(row, workflow, cancellationToken));
            }

            var items = new List<ReconciliationItem>(findings.Count);
            foreach (Finding finding in findings)
            {
                (string action, string outcome) = await ActAsync(client, id, finding, row, workflow, runId, cancellationToken);
                items.Add(new ReconciliationItem(id, finding.Kind, finding.Stage, finding.Detail, action, outcome));
            }

            return items;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCheckFailed(log, e, id);
            return [new ReconciliationItem(id, "check-failed", null, e.GetType().Name, "none", "failed: the next run looks again")];
        }
    }

    async Task<(string Action, string Outcome)> ActAsync(
        DurableTaskClient client,
        string id, Finding finding, ProjectedApplication? row, WorkflowState? workflow, string runId, CancellationToken cancellationToken)
    {
        if (FindingKinds.IsDrift(finding.Kind))
        {
            ApplicationTransition truth = workflow!.LastTransition!;
            string action = row is null ? ReconciliationActions.Rebuilt : ReconciliationActions.Repaired;
            // Only the row as read goes (with its counts and index rows): one the journal wrote since is newer than this check and stays.
            if (row is not null && !await projection.DeleteAsync(id, row.ETag, cancellationToken))
            {
                return (action, "skipped: the row changed during the check; the next run looks again");
            }

            // The journal's own write path: the same row and timeline entry the workflow recorded, never an older one.
            await projection.ApplyAsync(truth, cancellationToken);
            LogRepaired(log, id, finding.Kind, truth.Stage, truth.Sequence);
            return (action, "done");
        }

        if (finding.Kind == FindingKinds.OrphanedRow)
        {
            if (row!.Orphaned)
            {
                return (ReconciliationActions.FlaggedOrphaned, "already flagged");
            }

            try
            {
                await Applications.UpdateEntityAsync(
                    new TableEntity(id, ApplicationRowKey.Of(id)) { [ReconciliationColumns.Orphaned] = true, [ReconciliationColumns.OrphanedAt] = clock.GetUtcNow() },
                    row.ETag, TableUpdateMode.Merge, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                return (ReconciliationActions.FlaggedOrphaned, "skipped: the row changed during the check; the next run looks again");
            }

            (Escalation held, bool raised) = await escalations.RaiseAsync(EscalationOf(id, finding, runId), cancellationToken);
            return (ReconciliationActions.FlaggedOrphaned, raised ? "done; escalated" : AlreadyEscalated(held));
        }

        if (finding.Kind == FindingKinds.Stuck && workflow?.LastTransition is { } current)
        {
            RedriveResult redrive = await lostWorkOrders.TryRedriveAsync(current, cancellationToken);
            if (redrive.Redriven)
            {
                LogRedriven(log, id, current.Stage);
                return (ReconciliationActions.Redriven, redrive.Outcome ?? "done");
            }

            if (redrive.Outcome is { } refused)
            {
                finding = finding with { Detail = finding.Detail + "; " + refused };
            }
        }

        if (finding.Kind == FindingKinds.WorkflowFailed)
        {
            // The workflow broke (not a decision to fail): run it again from the last good stage, a bounded number of times.
            string? refused = null;
            if (await redriveAttempts.TryCountAsync(id, "workflow-failed", options.CurrentValue.MaxRedriveAttempts, cancellationToken))
            {
                ActionOutcome outcome = await redrive.RedriveAsync(
                    client, id, "reconciliation", role: null, $"reconciliation run {runId}: {finding.Detail}", cancellationToken);
                if (outcome.Refusal is null)
                {
                    LogRedriven(log, id, workflow?.Status?.Stage ?? ApplicationStage.Received);
                    return (ReconciliationActions.Redriven, $"resumed at {outcome.StageAfter} (audit {outcome.AuditId})");
                }

                refused = outcome.Refusal.Detail;
            }
            else
            {
                refused = $"reconciliation re-drove it {options.CurrentValue.MaxRedriveAttempts} times already";
            }

            finding = finding with { Detail = finding.Detail + "; not re-driven: " + refused };
        }

        (Escalation escalation, bool isNew) = await escalations.RaiseAsync(EscalationOf(id, finding, runId), cancellationToken);
        if (isNew)
        {
            LogEscalated(log, id, finding.Kind, finding.Stage ?? "unknown");
        }

        return (ReconciliationActions.Escalated, isNew ? "done" : AlreadyEscalated(escalation));
    }

    Escalation EscalationOf(string id, Finding finding, string runId) =>
        new(id, finding.EscalationKey, finding.Kind, finding.Stage, finding.Detail, runId, clock.GetUtcNow());

    static string AlreadyEscalated(Escalation held) =>
        $"already escalated at {held.RaisedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z by run {held.RunId}";

    static bool Leads(ProjectedApplication? row, WorkflowState? workflow) =>
        row is not null && workflow?.LastTransition is { } truth && row.Sequence > truth.Sequence;

    /// <summary>
    /// For a row ahead of its workflow's status: what the journal wrote at the row's sequence (one point read of the
    /// timeline, only for a row that leads), to tell the journal's own write from anything else's.
    /// </summary>
    async Task<ApplicationTransition?> JournaledAheadAsync(ProjectedApplication? row, WorkflowState? workflow, CancellationToken cancellationToken) =>
        Leads(row, workflow)
            ? await projection.JournaledTransitionAsync(workflow!.LastTransition!.Header, row!.Sequence, cancellationToken)
            : null;

    async Task<ProjectedApplication?> ReadRowAsync(string id, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Applications.GetEntityIfExistsAsync<TableEntity>(id, ApplicationRowKey.Of(id), cancellationToken: cancellationToken);
        return row.HasValue ? ProjectedApplication.From(row.Value!) : null;
    }

    static async Task<WorkflowState?> ReadWorkflowAsync(DurableTaskClient client, string id, CancellationToken cancellationToken) =>
        StateOf(await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken));

    static WorkflowState? StateOf(OrchestrationMetadata? instance)
    {
        if (instance is null)
        {
            return null;
        }

        ApplicationHeader? header = null;
        try
        {
            header = instance.ReadInputAs<CardApplicationInput>()?.Header;
        }
        catch (JsonException)
        {
            // Reported as unreadable by the check.
        }

        ApplicationStatus? status = instance.SerializedCustomStatus is { Length: > 0 } json
            ? JsonSerializer.Deserialize<ApplicationStatus>(json, JsonSerializerOptions.Web)
            : null;
        return new WorkflowState(instance.RuntimeStatus, instance.LastUpdatedAt, header, status);
    }

    static Dictionary<string, int> Count(IEnumerable<string> keys) =>
        keys.GroupBy(k => k, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation not started by {Trigger}: another run holds the lock (already running)")]
    static partial void LogAlreadyRunning(ILogger logger, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation {RunId} started by {Trigger}")]
    static partial void LogStarted(ILogger logger, string runId, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation {RunId} checked {Checked} applications ({Coverage}): {Items} findings, {Deleted} stale ledger entries deleted, {Purged} finished workflows purged")]
    static partial void LogFinished(ILogger logger, string runId, int @checked, int items, int deleted, int purged, string coverage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation {RunId} finished a pass of the counters' recount over {Rows} rows: {Corrected} cells corrected, {Suspected} suspected (checked again next pass)")]
    static partial void LogRecounted(ILogger logger, string runId, long rows, int corrected, int suspected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation repaired the projection of application {ApplicationId} ({Finding}) to {Stage} sequence {Sequence}")]
    static partial void LogRepaired(ILogger logger, string applicationId, string finding, ApplicationStage stage, int sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation re-drove application {ApplicationId} in {Stage}")]
    static partial void LogRedriven(ILogger logger, string applicationId, ApplicationStage stage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation escalated application {ApplicationId}: {Finding} at {Stage}")]
    static partial void LogEscalated(ILogger logger, string applicationId, string finding, string stage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation could not check application {ApplicationId}; the next run looks again")]
    static partial void LogCheckFailed(ILogger logger, Exception exception, string applicationId);
}
