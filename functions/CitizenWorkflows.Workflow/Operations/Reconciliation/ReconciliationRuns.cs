using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>
/// Runs asked for by operators, and every run's status while it goes on (container <c>reconciliation-reports</c>):
/// <c>queued/{runId}</c> marks a request not taken yet, <c>{runId}.status.json</c> says queued, running (with how far
/// it got), finished or not-run. The host takes requests in the background (the Local host at once, the Functions app
/// at its next reconciliation tick), so the HTTP request never waits for a run.
/// </summary>
public sealed class ReconciliationRuns(BlobServiceClient blobs, TimeProvider clock)
{
    const string QueuedPrefix = "queued/";

    static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = true };

    BlobContainerClient Container => blobs.GetBlobContainerClient(ReconciliationReports.Container);

    /// <summary>Records a request for a run (status queued) and returns its status.</summary>
    public async Task<ReconciliationRunStatus> QueueAsync(string trigger, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        var status = new ReconciliationRunStatus(ReconciliationReports.NewRunId(now), RunStates.Queued, trigger, now, null, null, 0, null, null);
        await WriteAsync(status, cancellationToken);
        await Container.GetBlobClient(QueuedPrefix + status.RunId).UploadAsync(BinaryData.FromString(trigger), overwrite: true, cancellationToken);
        return status;
    }

    /// <summary>Requests not taken yet, oldest first (run ids sort by time).</summary>
    public async Task<IReadOnlyList<string>> QueuedAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (BlobItem blob in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = QueuedPrefix }, cancellationToken))
        {
            ids.Add(blob.Name[QueuedPrefix.Length..]);
        }

        return [.. ids.Order(StringComparer.Ordinal)];
    }

    /// <summary>Takes a request: true for exactly one taker (the one whose delete removed it).</summary>
    public async Task<bool> TakeAsync(string runId, CancellationToken cancellationToken) =>
        (await Container.GetBlobClient(QueuedPrefix + runId).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;

    public Task WriteAsync(ReconciliationRunStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        return Container.GetBlobClient(status.RunId + ".status.json").UploadAsync(
            BinaryData.FromObjectAsJson(status, Json), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken);
    }

    /// <summary>A run's status, or null when there is no such run.</summary>
    public async Task<ReconciliationRunStatus?> ReadAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            return (await Container.GetBlobClient(runId + ".status.json").DownloadContentAsync(cancellationToken)).Value.Content
                .ToObjectFromJson<ReconciliationRunStatus>(JsonSerializerOptions.Web);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}

/// <summary>The states of <see cref="ReconciliationRunStatus"/>.</summary>
public static class RunStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Finished = "finished";

    /// <summary>Another run held the lock when this one was taken; that run does the same work.</summary>
    public const string NotRun = "not-run";
}

/// <summary>A run as <c>GET /api/v1/reconciliation/runs/{runId}</c> shows it until its report is stored (then the report).</summary>
/// <param name="Checked">Applications compared with their orchestration so far.</param>
/// <param name="Coverage">Where this run is in the walk over applications in flight (null until it has started).</param>
public sealed record ReconciliationRunStatus(
    string RunId,
    string Status,
    string Trigger,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int Checked,
    ReconciliationCoverage? Coverage,
    string? Detail);

/// <summary>
/// How much of the applications in flight a run reached: "checked <see cref="CheckedFromCursor"/> of
/// <see cref="InFlight"/>; a full pass every <see cref="RunsPerFullPass"/> runs".
/// </summary>
/// <param name="Pass">The number of the pass this run belongs to (0 first).</param>
/// <param name="CheckedInPass">Applications the current pass has checked, this run included.</param>
/// <param name="PassCompleted">True when this run reached the end of the in-flight index (the next run starts a new pass).</param>
public sealed record ReconciliationCoverage(int CheckedFromCursor, long InFlight, int PerRunCap, long Pass, long CheckedInPass, bool PassCompleted, long RunsPerFullPass)
{
    public string Text => $"checked {CheckedFromCursor} of {InFlight} in flight; a full pass every {RunsPerFullPass} run{(RunsPerFullPass == 1 ? "" : "s")}";
}
