using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Load;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Load.Faults;

/// <summary>
/// What a fault run must leave behind, checked from storage after the run: every application Delivered exactly once
/// (one Delivered transition, a contiguous timeline, the orchestration Completed), no application holding two personal
/// numbers, no card printed twice without a recorded reprint order, every document the kiosk sent stored with the same
/// SHA-256, no application created that a kiosk was not told about (a duplicate), and no citizen's claim or production
/// mark left behind by an application that ended.
/// </summary>
public sealed class FaultVerdict
{
    readonly List<(string Check, bool Passed, string Detail)> checks = [];

    public int Submitted { get; private set; }

    public int Accepted { get; private set; }

    public int Delivered { get; private set; }

    public Dictionary<string, string> Failed { get; } = [];

    public int Duplicates { get; private set; }

    public int Missing { get; private set; }

    public bool Passed => checks.All(c => c.Passed);

    /// <summary>Applications expected to end Failed (the poison run's); the rest must be Delivered.</summary>
    public static async Task<FaultVerdict> CheckAsync(
        LoadRun run, IReadOnlySet<string> expectedFailures, IServiceProvider services, string taskHub, IEnumerable<string> kioskIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(services);
        TableServiceClient tables = services.GetRequiredService<TableServiceClient>();
        BlobServiceClient blobs = services.GetRequiredService<BlobServiceClient>();
        ApplicationProjection projection = services.GetRequiredService<ApplicationProjection>();
        var verdict = new FaultVerdict { Submitted = run.Uploads.Count };
        Submission[] accepted = [.. run.Submissions.Where(s => s.Accepted)];
        verdict.Accepted = accepted.Select(s => s.ApplicationId).Distinct(StringComparer.Ordinal).Count();
        var ids = accepted.Select(s => s.ApplicationId!).ToHashSet(StringComparer.Ordinal);
        verdict.Check("every submission accepted, each as its own application",
            accepted.Length == run.Uploads.Count && verdict.Accepted == accepted.Length,
            $"{accepted.Length}/{run.Uploads.Count} accepted, {verdict.Accepted} distinct application ids");

        // Duplicates: applications in the projection from this run's kiosks that no kiosk was told about.
        int rows = 0;
        foreach (string kiosk in kioskIds)
        {
            await foreach (TableEntity _ in tables.GetTableClient(StorageNames.ApplicationsTable).QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"KioskId eq {kiosk}"), select: ["PartitionKey"], cancellationToken: cancellationToken))
            {
                rows++;
            }
        }

        verdict.Duplicates = Math.Max(0, rows - ids.Count);
        verdict.Check("no application created twice", verdict.Duplicates == 0, $"{rows} applications stored for {ids.Count} accepted submissions");

        // The runtime's view: each orchestration Completed (or Failed, for the expected failures).
        var runtime = new Dictionary<string, (string Status, string? Output)>(StringComparer.Ordinal);
        await foreach (TableEntity row in tables.GetTableClient(taskHub + "Instances").QueryAsync<TableEntity>(
            select: ["PartitionKey", "RuntimeStatus", "Output"], cancellationToken: cancellationToken))
        {
            if (ids.Contains(row.PartitionKey))
            {
                runtime[row.PartitionKey] = (row.GetString("RuntimeStatus") ?? "?", row.GetString("Output"));
            }
        }

        // Timelines: Delivered exactly once, no transition recorded twice, printing once unless a reprint was ordered.
        var deliveredTwice = new List<string>();
        var gaps = new List<string>();
        var printedTwice = new List<string>();
        int reprints = 0;
        var views = new Dictionary<string, ApplicationView?>(StringComparer.Ordinal);
        await ForEachAsync(ids, async id => { ApplicationView? v = await projection.GetAsync(id, cancellationToken); lock (views) { views[id] = v; } }, cancellationToken);
        foreach (string id in ids)
        {
            ApplicationView? view = views[id];
            (string status, string? output) = runtime.GetValueOrDefault(id, ("missing", null));
            if (view is null)
            {
                verdict.Missing++;
                continue;
            }

            IReadOnlyList<TimelineEntry> t = view.Timeline;
            if (!t.Select(e => e.Sequence).SequenceEqual(Enumerable.Range(1, t.Count)))
            {
                gaps.Add(id);
            }

            int delivered = t.Count(e => e.Stage == ApplicationStage.Delivered);
            if (delivered > 1)
            {
                deliveredTwice.Add(id);
            }

            int printed = t.Where((e, i) => e.Stage == ApplicationStage.Printed && i > 0 && t[i - 1].Stage == ApplicationStage.Printing).Count();
            int orders = t.Count(e => e.Stage == ApplicationStage.Printing && (e.Detail ?? "").Contains("order", StringComparison.Ordinal) && (e.Detail ?? "").Contains("sent", StringComparison.Ordinal));
            reprints += Math.Max(0, orders - 1);
            if (printed > 1 && printed > orders)
            {
                printedTwice.Add(id);
            }

            // "missing" with a Delivered projection: the workflow completed and housekeeping purged it (only the
            // workflow writes Delivered).
            if (view.Stage == ApplicationStage.Delivered && delivered == 1 && status is "Completed" or "missing")
            {
                verdict.Delivered++;
            }
            else if (status is "Failed" or "Terminated" || view.Stage.IsFinal())
            {
                TimelineEntry? last = t.Count > 0 ? t[^1] : null;
                verdict.Failed[id] = status is "Failed" or "Terminated"
                    ? $"orchestration {status}: {Shorten(output)}"
                    : $"{view.Stage}: {last?.Cause}: {last?.Detail}";
            }
            else
            {
                verdict.Missing++;
            }
        }

        verdict.Check("every application Delivered exactly once (the expected failures aside)",
            verdict.Delivered == ids.Count - expectedFailures.Count && deliveredTwice.Count == 0 && verdict.Failed.Keys.ToHashSet().SetEquals(expectedFailures),
            $"{verdict.Delivered} delivered, {deliveredTwice.Count} delivered twice, {verdict.Failed.Count} failed (expected {expectedFailures.Count}), {verdict.Missing} unfinished");
        verdict.Check("no transition recorded twice (timelines contiguous)", gaps.Count == 0, $"{gaps.Count} timelines with gaps or repeats");
        verdict.Check("no card printed twice without a recorded reprint", printedTwice.Count == 0, $"{printedTwice.Count} printed twice; {reprints} reprint orders recorded");

        // One citizen, one application in flight: an application that ended holds no citizen's claim and no number's
        // production mark (its last activity released them, or reconciliation did).
        var ended = ids.Where(id => views[id]?.Stage.IsFinal() == true || runtime.GetValueOrDefault(id).Status is "Completed" or "Terminated").ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<string> holders = await services.GetRequiredService<CitizenClaims>().HoldersAsync(cancellationToken);
        int claimsLeft = holders.Count(ended.Contains);
        int marksLeft = 0;
        await foreach (TableEntity row in tables.GetTableClient(PersonalNumberRegistry.InProductionTable).QueryAsync<TableEntity>(
            select: ["ApplicationId"], cancellationToken: cancellationToken))
        {
            if (row.GetString("ApplicationId") is { } holder && ended.Contains(holder))
            {
                marksLeft++;
            }
        }

        verdict.Check("no claim left behind for an ended application", claimsLeft == 0 && marksLeft == 0,
            $"{ended.Count} applications ended; {holders.Count} citizens' claims held, {claimsLeft} of them by an ended application; {marksLeft} production marks left by one");

        // Personal numbers: one per application, never one number for two applications (the row key is the number).
        var numbersByApplication = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (TableEntity row in tables.GetTableClient(StorageNames.PersonalNumbersTable).QueryAsync<TableEntity>(
            select: ["RowKey", "ApplicationId"], cancellationToken: cancellationToken))
        {
            if (row.GetString("ApplicationId") is { } owner && ids.Contains(owner))
            {
                numbersByApplication[owner] = numbersByApplication.GetValueOrDefault(owner) + 1;
            }
        }

        int twice = numbersByApplication.Count(kv => kv.Value > 1);
        verdict.Check("no personal number allocated twice", twice == 0,
            $"{numbersByApplication.Count} applications hold a number, {twice} hold more than one");

        // Documents: what the kiosk sent, re-hashed from storage.
        var byId = accepted.ToDictionary(s => s.ApplicationId!, s => run.Uploads[s.Index], StringComparer.Ordinal);
        int documents = 0, missingDocuments = 0, corrupted = 0;
        BlobContainerClient container = blobs.GetBlobContainerClient(StorageNames.DocumentsContainer);
        await ForEachAsync(ids, async id =>
        {
            ApplicationUpload upload = byId[id];
            var expected = new List<(string Name, byte[] Bytes)> { ("portrait", upload.Portrait) };
            expected.AddRange(upload.Fingerprints.Select(f => ("fingerprint-" + f.Key.ToString("00", CultureInfo.InvariantCulture), f.Value)));
            foreach ((string name, byte[] bytes) in expected)
            {
                Interlocked.Increment(ref documents);
                try
                {
                    BinaryData stored = (await container.GetBlobClient(DocumentStore.BlobNameFor(id, name)).DownloadContentAsync(cancellationToken)).Value.Content;
                    if (!SHA256.HashData(stored.ToMemory().Span).AsSpan().SequenceEqual(SHA256.HashData(bytes)))
                    {
                        Interlocked.Increment(ref corrupted);
                    }
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    Interlocked.Increment(ref missingDocuments);
                }
            }
        }, cancellationToken);
        verdict.Check("no document missing or corrupted (SHA-256 of what the kiosk sent)", missingDocuments == 0 && corrupted == 0,
            $"{documents} documents re-hashed: {missingDocuments} missing, {corrupted} corrupted");
        return verdict;
    }

    void Check(string name, bool passed, string detail) => checks.Add((name, passed, detail));

    public void Print(TextWriter output, string scenario, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine();
        output.WriteLine($"$ {commandLine}");
        output.WriteLine($"verdict ({scenario}): {(Passed ? "PASS" : "FAIL")}");
        output.WriteLine("  submitted   accepted   delivered   failed   duplicates   missing");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {Submitted,9} {Accepted,10} {Delivered,11} {Failed.Count,8} {Duplicates,12} {Missing,9}"));
        foreach ((string check, bool passed, string detail) in checks)
        {
            output.WriteLine($"  [{(passed ? "ok" : "FAIL")}] {check}: {detail}");
        }

        foreach ((string id, string reason) in Failed.Take(20))
        {
            output.WriteLine($"  failed {id}: {reason}");
        }
    }

    static string Shorten(string? text) => text is null ? "" : text.Length > 300 ? text[..300] + "…" : text;

    static async Task ForEachAsync(IEnumerable<string> ids, Func<string, Task> action, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, _) => await action(id));
}
