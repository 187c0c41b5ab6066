using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CitizenWorkflows.Workflow.Registry;
using CsvHelper;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>What one reconciliation run found and did, written to <c>reconciliation-reports/{runId}.json</c> and <c>.csv</c>.</summary>
/// <param name="Trigger">What started it: <c>timer</c>, <c>poller</c> or <c>operator {principal}</c>.</param>
/// <param name="Checked">How many applications were compared with their orchestration.</param>
/// <param name="Truncated">True when more applications were waiting than one run may check; the next run goes on.</param>
/// <param name="Found">Finding kind → how many.</param>
/// <param name="Done">Action → how many.</param>
/// <param name="Coverage">How far the walk over applications in flight got (null in reports written before it existed).</param>
/// <param name="Status">Always <c>finished</c>: a stored report is a finished run (a run under way answers its status instead).</param>
/// <param name="CounterRecount">The run's batch of the counters' recount: how far the pass is, and at its end what it
/// corrected and what it suspects (null when off).</param>
public sealed record ReconciliationReport(
    string RunId,
    string Trigger,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Checked,
    bool Truncated,
    IReadOnlyDictionary<string, int> Found,
    IReadOnlyDictionary<string, int> Done,
    HousekeepingResult Housekeeping,
    IReadOnlyList<ReconciliationItem> Items,
    ReconciliationCoverage? Coverage = null,
    string Status = RunStates.Finished,
    Query.RecountProgress? CounterRecount = null);

/// <summary>One finding about one application and what the run did about it.</summary>
/// <param name="Action">One of <see cref="ReconciliationActions"/>.</param>
/// <param name="Outcome">How the action went: <c>done</c>, <c>already escalated …</c>, <c>skipped: …</c>, <c>failed: …</c>.</param>
public sealed record ReconciliationItem(string ApplicationId, string Finding, string? Stage, string Detail, string Action, string Outcome);

/// <summary>What reconciliation does about a finding.</summary>
public static class ReconciliationActions
{
    /// <summary>A missing projection row was written again from the workflow's last transition.</summary>
    public const string Rebuilt = "rebuilt-row";

    /// <summary>A stale or altered row was replaced by the workflow's last transition.</summary>
    public const string Repaired = "repaired-row";

    /// <summary>A row without orchestration was flagged (never deleted: it is evidence) and escalated.</summary>
    public const string FlaggedOrphaned = "flagged-orphaned";

    /// <summary>The lost step was done again (bounded attempts).</summary>
    public const string Redriven = "redriven";

    public const string Escalated = "escalated";
}

/// <summary>The run's summary, answered by the endpoint (the items are in the stored report).</summary>
public sealed record ReconciliationSummary(
    string RunId,
    string Trigger,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Checked,
    bool Truncated,
    IReadOnlyDictionary<string, int> Found,
    IReadOnlyDictionary<string, int> Done,
    HousekeepingResult Housekeeping,
    int Items,
    string JsonReport,
    string CsvReport,
    ReconciliationCoverage? Coverage = null)
{
    public static ReconciliationSummary Of(ReconciliationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.RunId, report.Trigger, report.StartedAt, report.FinishedAt, report.Checked, report.Truncated, report.Found, report.Done,
            report.Housekeeping, report.Items.Count, $"{ReconciliationReports.Container}/{report.RunId}.json", $"{ReconciliationReports.Container}/{report.RunId}.csv", report.Coverage);
    }
}

/// <summary>Stores and reads reports in container <c>reconciliation-reports</c>.</summary>
public sealed class ReconciliationReports(BlobServiceClient blobs)
{
    public const string Container = "reconciliation-reports";

    static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = true };

    BlobContainerClient Reports => blobs.GetBlobContainerClient(Container);

    /// <summary>Run ids are <c>yyyyMMddTHHmmssZ-</c> and 8 hex digits: sortable by time, and safe as blob names.</summary>
    public static bool IsWellFormedRunId(string? runId) =>
        runId is { Length: 25 } && runId[8] == 'T' && runId[15] == 'Z' && runId[16] == '-'
        && runId[..8].All(char.IsAsciiDigit) && runId[9..15].All(char.IsAsciiDigit) && runId[17..].All(char.IsAsciiHexDigitLower);

    public static string NewRunId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];

    public async Task WriteAsync(ReconciliationReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var headers = new BlobHttpHeaders { ContentType = "application/json" };
        await Reports.GetBlobClient(report.RunId + ".json").UploadAsync(
            BinaryData.FromObjectAsJson(report, Json), new BlobUploadOptions { HttpHeaders = headers }, cancellationToken);
        await Reports.GetBlobClient(report.RunId + ".csv").UploadAsync(
            BinaryData.FromString(ToCsv(report)), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv; charset=utf-8" } }, cancellationToken);
    }

    /// <summary>The stored JSON report, or null when there is none of that id.</summary>
    public async Task<BinaryData?> ReadJsonAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            return (await Reports.GetBlobClient(runId + ".json").DownloadContentAsync(cancellationToken)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// RFC 4180 (the registry's <see cref="CsvRecords"/>): one header line, then one line per item. The detail and outcome can
    /// quote text that came from outside (an officer's reason, a partner's answer), so they are defused against spreadsheet formulas.
    /// </summary>
    public static string ToCsv(ReconciliationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        using CsvWriter csv = CsvRecords.Writer(text);
        csv.WriteRecord(["runId", "applicationId", "finding", "stage", "action", "outcome", "detail"]);
        foreach (ReconciliationItem item in report.Items)
        {
            csv.WriteRecord([report.RunId, item.ApplicationId, item.Finding, item.Stage, item.Action,
                SpreadsheetSafeText.DefuseFormula(item.Outcome), SpreadsheetSafeText.DefuseFormula(item.Detail)]);
        }

        csv.Flush();
        return text.ToString();
    }
}
