using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Telemetry;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>
/// The Table projection of applications (one row each) and their timelines, for queries and the status endpoint.
/// Durable state is the truth; everything here is rebuilt from <see cref="ApplicationTransition"/>s. Every row change
/// is carried into the counters (<see cref="ApplicationCounters"/>) and the list index (<see cref="ApplicationIndex"/>)
/// by the writer whose conditional write made it, so a repeat or an older transition changes neither; that writer also
/// records the stage-duration, deadline and service-level metrics of the transitions it applied, once each.
/// </summary>
public sealed class ApplicationProjection(TableServiceClient tables, WorkflowMetrics? metrics = null, TimeProvider? clock = null)
{
    /// <summary>When the row's stage began (an entry in the same stage, e.g. a reprint, does not restart it): stage
    /// durations are measured from it.</summary>
    const string StageSinceColumn = "StageSince";

    readonly ApplicationCounters counters = new(tables);
    readonly ApplicationIndex index = new(tables);

    TableClient Applications => tables.GetTableClient(StorageNames.ApplicationsTable);

    TableClient Timeline => tables.GetTableClient(StorageNames.TimelineTable);

    /// <summary>Applies one transition; safe to repeat and to receive out of order (older sequences never win).</summary>
    public Task ApplyAsync(ApplicationTransition transition, CancellationToken cancellationToken) =>
        ApplyAsync([transition], cancellationToken);

    /// <summary>
    /// Applies transitions of one application in sequence order: every timeline entry in one table transaction, the row
    /// once with the last. Safe to repeat and to receive out of order (older sequences never win).
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<ApplicationTransition> transitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        if (transitions.Count == 0)
        {
            return;
        }

        ApplicationTransition transition = transitions.MaxBy(t => t.Sequence)!;
        string id = transition.Header.ApplicationId;
        // A table transaction takes at most 100 entities of one partition.
        foreach (ApplicationTransition[] chunk in transitions.Chunk(100))
        {
            await Timeline.SubmitTransactionAsync(
                chunk.Select(t => new TableTransactionAction(TableTransactionActionType.UpsertReplace, TimelineEntity(t))), cancellationToken);
        }

        TableEntity row = RowOf(transition);
        ApplicationTransition[] ordered = [.. transitions.OrderBy(t => t.Sequence)];

        // Optimistic concurrency: two writers of one application race only on retries; the higher sequence wins.
        TableEntity? replaced;
        ETag written;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                NullableResponse<TableEntity> existing = await Applications.GetEntityIfExistsAsync<TableEntity>(
                    id, ApplicationRowKey.Of(id), cancellationToken: cancellationToken);
                row[StageSinceColumn] = StageSince(existing.HasValue ? existing.Value : null, ordered);
                if (!existing.HasValue)
                {
                    written = (await Applications.AddEntityAsync(row, cancellationToken)).Headers.ETag ?? default;
                    replaced = null;
                }
                else if ((existing.Value!.GetInt32("Sequence") ?? 0) < transition.Sequence)
                {
                    written = (await Applications.UpdateEntityAsync(row, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag ?? default;
                    replaced = existing.Value;
                }
                else
                {
                    return; // a repeat or an older transition: nothing changed, nothing to count
                }

                break;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 5)
            {
                // Someone wrote in between: read again and decide again.
            }
        }

        RecordMetrics(replaced, ordered);
        await CarryAsync(id, replaced, row, written, cancellationToken);
    }

    /// <summary>When the stage of the last of <paramref name="ordered"/> began, given the row they replace (null: none).</summary>
    static DateTimeOffset StageSince(TableEntity? before, IReadOnlyList<ApplicationTransition> ordered)
    {
        DateTimeOffset? since = Began(before).Since;
        foreach (AppliedTransition applied in Applied(before, ordered).Where(a => a.ChangesStage))
        {
            since = applied.Transition.At;
        }

        return since ?? ordered[^1].At;
    }

    /// <summary>The row's stage and when it began (rows written before the column existed: their last update).</summary>
    static (string? Stage, DateTimeOffset? Since) Began(TableEntity? row) =>
        row is null ? (null, null) : (row.GetString("Stage"), row.GetDateTimeOffset(StageSinceColumn) ?? row.GetDateTimeOffset("UpdatedAt"));

    /// <summary>One transition this writer applies, with the stage it found (null: none or unreadable) and since when.</summary>
    sealed record AppliedTransition(ApplicationTransition Transition, ApplicationStage? From, DateTimeOffset? FromSince, bool ChangesStage);

    /// <summary>The transitions of <paramref name="ordered"/> after the row they replace, walked from that row's stage.</summary>
    static IEnumerable<AppliedTransition> Applied(TableEntity? before, IReadOnlyList<ApplicationTransition> ordered)
    {
        (string? stage, DateTimeOffset? since) = Began(before);
        int replacedSequence = before?.GetInt32("Sequence") ?? 0;
        foreach (ApplicationTransition t in ordered.Where(t => t.Sequence > replacedSequence))
        {
            bool changes = t.Stage.ToString() != stage;
            ApplicationStage? from = stage is not null && Enum.TryParse(stage, out ApplicationStage known) ? known : null;
            yield return new AppliedTransition(t, from, since, changes);
            if (changes)
            {
                (stage, since) = (t.Stage.ToString(), t.At);
            }
        }
    }

    /// <summary>
    /// The transitions this writer applied (those after the row it replaced), as metrics: the time spent in each stage
    /// left, each deadline that passed, and at the final stage whether the 7-working-day service level was met.
    /// </summary>
    void RecordMetrics(TableEntity? before, IReadOnlyList<ApplicationTransition> ordered)
    {
        if (metrics is null)
        {
            return;
        }

        foreach ((ApplicationTransition t, ApplicationStage? from, DateTimeOffset? fromSince, bool changesStage) in Applied(before, ordered))
        {
            string province = t.Header.Province;
            if (t.Cause == ApplicationEvents.Deadline)
            {
                metrics.DeadlinePassed(from ?? t.Stage, province);
            }

            if (!changesStage)
            {
                continue;
            }

            if (from is { } left && fromSince is { } began)
            {
                metrics.StageLeft(left, province, t.At - began);
            }

            metrics.Transition(t.Stage, province);
            if (t.Stage.IsFinal())
            {
                metrics.Ended(t.Stage, province, t.At, t.Header.DueAt);
            }
        }
    }

    /// <summary>
    /// Carries one row change (by the writer that made it, <paramref name="written"/> the row's new ETag) into the
    /// counters and the list index. Counters take the change as a delta, so concurrent changes of one application add
    /// up whatever their order. Index rows are copies: a slower writer could put back an older copy after a newer
    /// writer's, so each writer reads the row again after its index writes and, if it changed meanwhile, moves the
    /// index on to what it reads, until the row stands still. The last writer to finish has then written the truth.
    /// </summary>
    async Task CarryAsync(string id, TableEntity? before, TableEntity? after, ETag written, CancellationToken cancellationToken)
    {
        ProjectedRow? from = before is null ? null : ProjectedRow.From(before);
        ProjectedRow? to = after is null ? null : ProjectedRow.From(after);
        await counters.CountAsync(from, to, cancellationToken);
        for (int round = 0; round < 20; round++)
        {
            await index.MoveAsync(from, to, cancellationToken);
            NullableResponse<TableEntity> now = await Applications.GetEntityIfExistsAsync<TableEntity>(id, ApplicationRowKey.Of(id), cancellationToken: cancellationToken);
            if (now.HasValue ? now.Value!.ETag == written : after is null)
            {
                return;
            }

            (from, to, after) = (to, now.HasValue ? ProjectedRow.From(now.Value!) : null, now.HasValue ? now.Value : null);
            written = now.HasValue ? now.Value!.ETag : default;
        }
    }

    /// <summary>
    /// Deletes the row as it was read (<paramref name="etag"/>) and takes it out of the counters and the index; false
    /// when it changed or went since (then nothing was done).
    /// </summary>
    public async Task<bool> DeleteAsync(string applicationId, ETag etag, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> existing = await Applications.GetEntityIfExistsAsync<TableEntity>(
            applicationId, ApplicationRowKey.Of(applicationId), cancellationToken: cancellationToken);
        if (!existing.HasValue || existing.Value!.ETag != etag)
        {
            return false;
        }

        try
        {
            await Applications.DeleteEntityAsync(applicationId, ApplicationRowKey.Of(applicationId), etag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }

        await CarryAsync(applicationId, existing.Value, null, default, cancellationToken);
        return true;
    }

    static TableEntity RowOf(ApplicationTransition transition) =>
        new(transition.Header.ApplicationId, ApplicationRowKey.Of(transition.Header.ApplicationId))
        {
            ["Stage"] = transition.Stage.ToString(),
            ["Type"] = transition.Header.Type.ToString(),
            ["Province"] = transition.Header.Province,
            ["KioskId"] = transition.Header.KioskId,
            ["CreatedAt"] = transition.Header.ReceivedAt,
            ["UpdatedAt"] = transition.At,
            ["DueAt"] = transition.Header.DueAt,
            ["WaitingFor"] = string.Join(',', transition.WaitingFor),
            ["WaitDeadline"] = transition.WaitDeadline,
            ["Sequence"] = transition.Sequence,
            ["Commune"] = transition.Header.Commune,
            ["District"] = transition.Header.District,
        };

    /// <summary>
    /// Writes many applications' transitions at once (the seeding tool's path; a bulk migration's): per application its
    /// timeline transaction and its row, inserted; then the counters of all of them summed per counter row and their
    /// index rows in one table transaction per 100 of a partition. An application whose row exists already goes
    /// through <see cref="ApplyAsync(IReadOnlyList{ApplicationTransition}, CancellationToken)"/> instead, so the result
    /// is the same as applying each alone.
    /// </summary>
    public async Task ImportAsync(IReadOnlyList<IReadOnlyList<ApplicationTransition>> applications, int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applications);
        var added = new System.Collections.Concurrent.ConcurrentBag<ProjectedRow>();
        await Parallel.ForEachAsync(
            applications.Where(a => a.Count > 0),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (transitions, ct) =>
            {
                foreach (ApplicationTransition[] chunk in transitions.Chunk(100))
                {
                    await Timeline.SubmitTransactionAsync(
                        chunk.Select(t => new TableTransactionAction(TableTransactionActionType.UpsertReplace, TimelineEntity(t))), ct);
                }

                TableEntity row = RowOf(transitions.MaxBy(t => t.Sequence)!);
                try
                {
                    await Applications.AddEntityAsync(row, ct);
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    await ApplyAsync(transitions, ct);
                    return;
                }

                if (ProjectedRow.From(row) is { } projected)
                {
                    added.Add(projected);
                }
            });

        await counters.CountAddedAsync([.. added], parallelism, cancellationToken);
        await index.AddAsync([.. added], parallelism, cancellationToken);
    }

    /// <summary>A timeline entry's row key: its sequence, zero-padded so the rows sort in order.</summary>
    static string TimelineRowKey(int sequence) => sequence.ToString("D6", CultureInfo.InvariantCulture);

    static TableEntity TimelineEntity(ApplicationTransition transition) =>
        new(transition.Header.ApplicationId, TimelineRowKey(transition.Sequence))
        {
            ["Stage"] = transition.Stage.ToString(),
            ["At"] = transition.At,
            ["Cause"] = transition.Cause,
            ["Detail"] = transition.Detail,
            ["WaitingFor"] = string.Join(',', transition.WaitingFor),
            ["WaitDeadline"] = transition.WaitDeadline,
        };

    /// <summary>
    /// Shows (or clears) an operator's suspension on the row without touching its sequence: the workflow's next
    /// transition after it is resumed replaces the mark, and a resume puts the stage back.
    /// </summary>
    public async Task MarkSuspendedAsync(string applicationId, bool suspended, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            NullableResponse<TableEntity> existing = await Applications.GetEntityIfExistsAsync<TableEntity>(
                applicationId, ApplicationRowKey.Of(applicationId), cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                return;
            }

            string? stage = existing.Value!.GetString("Stage");
            bool marked = stage == nameof(ApplicationStage.Suspended);
            if (marked == suspended)
            {
                return;
            }

            var change = new TableEntity(applicationId, ApplicationRowKey.Of(applicationId))
            {
                ["Stage"] = suspended ? nameof(ApplicationStage.Suspended) : existing.Value.GetString("SuspendedFrom") ?? nameof(ApplicationStage.Received),
                ["SuspendedFrom"] = suspended ? stage : "",
            };
            try
            {
                Response merged = await Applications.UpdateEntityAsync(change, existing.Value.ETag, TableUpdateMode.Merge, cancellationToken);
                var after = new TableEntity(existing.Value);
                foreach ((string column, object value) in change)
                {
                    after[column] = value;
                }

                await CarryAsync(applicationId, existing.Value, after, merged.Headers.ETag ?? default, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 5)
            {
                // The workflow wrote in between: decide again on the new row.
            }
        }
    }

    public async Task<ApplicationView?> GetAsync(string applicationId, CancellationToken cancellationToken)
    {
        Task<NullableResponse<TableEntity>> rowTask = Applications.GetEntityIfExistsAsync<TableEntity>(
            applicationId, ApplicationRowKey.Of(applicationId), cancellationToken: cancellationToken);
        var timeline = new List<TimelineEntry>();
        await foreach (TableEntity e in Timeline.QueryAsync<TableEntity>(
            x => x.PartitionKey == applicationId, cancellationToken: cancellationToken))
        {
            timeline.Add(new TimelineEntry(
                int.Parse(e.RowKey, CultureInfo.InvariantCulture),
                Enum.Parse<ApplicationStage>(e.GetString("Stage")),
                e.GetDateTimeOffset("At")!.Value,
                e.GetString("Cause"),
                e.GetString("Detail")));
        }

        NullableResponse<TableEntity> row = await rowTask;
        if (!row.HasValue)
        {
            return null;
        }

        return ApplicationSummary.TryRead(row.Value!, (clock ?? TimeProvider.System).GetUtcNow(), out ApplicationSummary? summary, out string? problem)
            ? new ApplicationView(summary, [.. timeline.OrderBy(t => t.Sequence)])
            : throw new InvalidOperationException($"Application {applicationId}'s projection row does not read: {problem}");
    }

    static readonly string[] JournaledColumns = ["Stage", "At", "Cause", "Detail", "WaitingFor", "WaitDeadline"];

    /// <summary>
    /// The transition the journal wrote at <paramref name="sequence"/> (one point read of its timeline entry, with the
    /// application's <paramref name="header"/>, which no transition changes), or null when there is no readable entry.
    /// </summary>
    public async Task<ApplicationTransition?> JournaledTransitionAsync(ApplicationHeader header, int sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        NullableResponse<TableEntity> read = await Timeline.GetEntityIfExistsAsync<TableEntity>(
            header.ApplicationId, TimelineRowKey(sequence), JournaledColumns, cancellationToken);
        if (!read.HasValue || !Enum.TryParse(read.Value!.GetString("Stage"), out ApplicationStage stage) || read.Value.GetDateTimeOffset("At") is not { } at)
        {
            return null;
        }

        TableEntity e = read.Value;
        return new ApplicationTransition(header, sequence, stage, at, e.GetString("Cause") ?? "", e.GetString("Detail"),
            (e.GetString("WaitingFor") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries), e.GetDateTimeOffset("WaitDeadline"));
    }

    static readonly string[] AreaColumns = ["Province", "District", "Commune", "KioskId", "Stage"];

    /// <summary>Where the application was taken and by which kiosk (one point read of a few columns), or null without a row.</summary>
    public async Task<ApplicationArea?> GetAreaAsync(string applicationId, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Applications.GetEntityIfExistsAsync<TableEntity>(
            applicationId, ApplicationRowKey.Of(applicationId), AreaColumns, cancellationToken);
        return row.HasValue
            ? new ApplicationArea(
                applicationId, row.Value!.GetString("Province") ?? "", row.Value.GetString("District"), row.Value.GetString("Commune"),
                row.Value.GetString("KioskId") ?? "", row.Value.GetString("Stage"))
            : null;
    }
}

/// <summary>Where an application was taken (province, district, commune), by which kiosk, and its stage when read.</summary>
public sealed record ApplicationArea(string ApplicationId, string Province, string? District, string? Commune, string KioskId, string? Stage)
{
    public static ApplicationArea Of(ApplicationHeader header, string? stage)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new(header.ApplicationId, header.Province, header.District, header.Commune, header.KioskId, stage);
    }
}

/// <summary>An application as the projection knows it: its row and its timeline.</summary>
public sealed record ApplicationView : ApplicationSummary
{
    [SetsRequiredMembers]
    public ApplicationView(ApplicationSummary row, IReadOnlyList<TimelineEntry> timeline)
        : base(row)
    {
        Timeline = timeline;
    }

    public IReadOnlyList<TimelineEntry> Timeline { get; init; }
}

public sealed record TimelineEntry(int Sequence, ApplicationStage Stage, DateTimeOffset At, string Cause, string? Detail);
