using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>
/// Where reconciliation is in its walk over every application in flight: a persisted position in the in-flight index
/// partitions (<c>o-{province}</c> of <see cref="ApplicationIndex"/>), so each run checks the next
/// <c>MaxInFlightPerRun</c> applications and a full pass over N in flight takes ⌈N / cap⌉ runs (one more when
/// applications arrive behind the position during the pass), whatever the number of applications ever made.
/// </summary>
public sealed class InFlightCursor(TableServiceClient tables, BlobServiceClient blobs)
{
    const string BlobName = "in-flight-cursor.json";

    static readonly string InFlight = TableClient.CreateQueryFilter($"PartitionKey ge {"o-"} and PartitionKey lt {"o."}");

    BlobState<CursorState> State => new(blobs.GetBlobContainerClient(ReconciliationLock.Container).GetBlobClient(BlobName));

    /// <summary>
    /// The next up to <paramref name="cap"/> applications in flight after the saved position, and the position moved past
    /// them (saved: call it under the run lock). At the end of the index the pass is complete and the next call starts over.
    /// </summary>
    public async Task<CursorPage> NextAsync(int cap, CancellationToken cancellationToken)
    {
        (CursorState state, ETag? etag) = await State.LoadAsync(cancellationToken);
        TableClient index = tables.GetTableClient(ApplicationIndex.TableName);
        var ids = new List<string>(Math.Min(cap, 1000));
        string? token = state.Token;
        bool completed = false;
        while (ids.Count < cap)
        {
            int wanted = Math.Min(1000, cap - ids.Count);
            Page<TableEntity>? page = null;
            await foreach (Page<TableEntity> p in index.QueryAsync<TableEntity>(InFlight, maxPerPage: wanted, select: [ApplicationIndex.ApplicationIdColumn], cancellationToken: cancellationToken)
                .AsPages(token, wanted))
            {
                page = p;
                break;
            }

            ids.AddRange(page?.Values.Select(v => v.GetString(ApplicationIndex.ApplicationIdColumn)).OfType<string>() ?? []);
            token = page?.ContinuationToken;
            if (token is null)
            {
                completed = true;
                break;
            }
        }

        long pass = state.Pass;
        var next = new CursorState
        {
            Token = completed ? null : token,
            Pass = completed ? pass + 1 : pass,
            CheckedThisPass = completed ? 0 : state.CheckedThisPass + ids.Count,
        };
        await State.SaveAsync(next, etag, cancellationToken);
        return new CursorPage(ids, pass, state.CheckedThisPass + ids.Count, completed);
    }

    /// <summary>Where the walk is: the index query's continuation, the pass number and how many it checked.</summary>
    sealed class CursorState
    {
        public string? Token { get; set; }

        public long Pass { get; set; }

        public long CheckedThisPass { get; set; }
    }
}

/// <summary>One run's share of the walk: the applications to check, which pass it belongs to, how far into the pass,
/// and whether it ended the pass.</summary>
public sealed record CursorPage(IReadOnlyList<string> ApplicationIds, long Pass, long CheckedInPass, bool PassCompleted);
