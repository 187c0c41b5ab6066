using System.Collections.Concurrent;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Load;

/// <summary>
/// Follows a run's applications through the projection table: one query per tick for the rows written since the last
/// (by the server's timestamp), so following ten thousand applications costs what following ten does. Stages are read
/// by name, so stages added later are followed without change. Optionally answers approval waits as an officer would.
/// </summary>
public sealed class ApplicationTracker(
    TableServiceClient tables, Func<string, CancellationToken, Task<bool>>? approve, string? instancesTable = null)
{
    readonly ConcurrentDictionary<string, string> runtimeFailures = new();
    readonly ConcurrentDictionary<string, string> stages = new();
    readonly ConcurrentDictionary<string, DateTimeOffset> finishedAt = new();
    readonly HashSet<string> awaitingApproval = [];
    readonly HashSet<string> approved = [];
    DateTimeOffset since = DateTimeOffset.UtcNow;

    TableClient Applications => tables.GetTableClient(StorageNames.ApplicationsTable);

    public void Follow(string applicationId) => stages.TryAdd(applicationId, "Submitted");

    public int Count => stages.Count;

    public int Finished => finishedAt.Count;

    public IReadOnlyDictionary<string, string> Stages => stages;

    /// <summary>When each finished application was first seen finished (to the poll interval).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> FinishedAt => finishedAt;

    public bool AllFinished => !stages.IsEmpty && finishedAt.Count == stages.Count;

    /// <summary>Orchestrations that ended Failed or Terminated in the runtime (an activity that kept throwing), with the reason.</summary>
    public IReadOnlyDictionary<string, string> RuntimeFailures => runtimeFailures;

    public static bool IsFinal(string stage) => Enum.TryParse(stage, out ApplicationStage s) && s.IsFinal();

    /// <summary>Reads the rows changed since the previous poll, then answers approval waits.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset started = DateTimeOffset.UtcNow;
        // A margin for rows written while the previous query ran; rows seen twice are simply seen again.
        string filter = TableClient.CreateQueryFilter($"Timestamp ge {since.AddSeconds(-5)}");
        await foreach (TableEntity row in Applications.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "Stage", "WaitingFor"], cancellationToken: cancellationToken))
        {
            if (!stages.ContainsKey(row.PartitionKey))
            {
                continue;
            }

            string stage = row.GetString("Stage") ?? "Unknown";
            stages[row.PartitionKey] = stage;
            if (IsFinal(stage))
            {
                finishedAt.TryAdd(row.PartitionKey, started);
            }

            if (approve is not null && (row.GetString("WaitingFor") ?? "").Split(',').Contains(ApplicationEvents.ApprovalDecision) && !approved.Contains(row.PartitionKey))
            {
                awaitingApproval.Add(row.PartitionKey);
            }
        }

        if (instancesTable is not null)
        {
            // An orchestration that failed in the runtime never writes a final stage: the task hub's instance table says so.
            string failed = TableClient.CreateQueryFilter($"Timestamp ge {since.AddSeconds(-5)} and (RuntimeStatus eq 'Failed' or RuntimeStatus eq 'Terminated')");
            await foreach (TableEntity row in tables.GetTableClient(instancesTable).QueryAsync<TableEntity>(
                failed, select: ["PartitionKey", "RuntimeStatus", "Output"], cancellationToken: cancellationToken))
            {
                if (stages.ContainsKey(row.PartitionKey))
                {
                    string output = row.GetString("Output") ?? "";
                    runtimeFailures[row.PartitionKey] = $"{row.GetString("RuntimeStatus")}: {(output.Length > 300 ? output[..300] + "…" : output)}";
                    stages[row.PartitionKey] = "Failed";
                    finishedAt.TryAdd(row.PartitionKey, started);
                }
            }
        }

        since = started;
        if (approve is not null)
        {
            foreach (string id in awaitingApproval.ToList())
            {
                if (await approve(id, cancellationToken))
                {
                    approved.Add(id);
                    awaitingApproval.Remove(id);
                }
            }
        }
    }

    /// <summary>
    /// How many followed applications the runtime still runs (their last activities go on after the projection shows
    /// them finished); 0 without a task hub instance table to read.
    /// </summary>
    public async Task<int> StillRunningAsync(CancellationToken cancellationToken)
    {
        if (instancesTable is null)
        {
            return 0;
        }

        int running = 0;
        string filter = TableClient.CreateQueryFilter($"RuntimeStatus eq 'Running' or RuntimeStatus eq 'Pending'");
        await foreach (TableEntity row in tables.GetTableClient(instancesTable).QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            running += stages.ContainsKey(row.PartitionKey) ? 1 : 0;
        }

        return running;
    }

    DateTime lastLine;

    /// <summary>A progress bar: redrawn in place on a terminal, a line every few seconds in a log.</summary>
    public void DrawProgress(TextWriter output, int submitted, int total, TimeSpan elapsed, bool force = false)
    {
        bool terminal = !Console.IsOutputRedirected;
        if (!terminal && !force && DateTime.UtcNow - lastLine < TimeSpan.FromSeconds(5))
        {
            return;
        }

        lastLine = DateTime.UtcNow;
        const int Width = 30;
        int done = Finished;
        int filled = total == 0 ? Width : Math.Min(Width, done * Width / total);
        string counts = string.Join(" ", stages.Values.Where(s => !IsFinal(s)).GroupBy(s => s).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}"));
        string line = $"[{new string('#', filled)}{new string('.', Width - filled)}] submitted {submitted}/{total}  finished {done}/{total}  {elapsed.TotalSeconds,5:F0}s  {counts}";
        output.Write(terminal ? "\r" + (line.Length > 160 ? line[..160] : line.PadRight(160)) : line + Environment.NewLine);
        output.Flush();
    }
}
