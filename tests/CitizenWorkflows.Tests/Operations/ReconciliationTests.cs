using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using CitizenWorkflows.Workflow.Lifecycle;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>
/// Reconciliation end to end on Azurite through the Local host: projection rows deleted or altered behind the system's
/// back are repaired from the workflow, a lost print order is sent again and an unanswered one escalated, two runs never
/// both act, the report is stored as JSON and CSV, housekeeping deletes only stale entries, and only operators may run it.
/// </summary>
public sealed class ReconciliationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    static readonly Uri Runs = Api.ReconciliationRuns;

    LocalHostProcess host = null!;
    HttpClient kiosk = null!;
    HttpClient officer = null!;

    TableClient Applications => azurite.Tables.GetTableClient(StorageNames.ApplicationsTable);

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, "ReconciliationHub", new Dictionary<string, string>
        {
            // Only the tests start runs; rows count as drift at once; anything in Printing is stuck at once.
            ["Reconciliation:Poller:Enabled"] = "false",
            ["Reconciliation:SettleTime"] = "00:00:00",
            ["Reconciliation:StageThresholds:Printing"] = "00:00:00",
            ["Packets:Enabled"] = "false",
        });
        kiosk = host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079"));
        officer = host.Client(Roles.Operator);
    }

    public async Task DisposeAsync()
    {
        kiosk.Dispose();
        officer.Dispose();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Rows_deleted_or_altered_behind_the_systems_back_are_repaired_and_a_second_run_finds_nothing()
    {
        string deleted = await host.SubmitAwaitingApprovalAsync(kiosk);
        string altered = await host.SubmitAwaitingApprovalAsync(kiosk);
        string stale = await host.SubmitAwaitingApprovalAsync(kiosk);
        var sequences = new Dictionary<string, int?>();
        foreach (string id in new[] { deleted, altered, stale })
        {
            sequences[id] = (await Applications.GetEntityAsync<TableEntity>(id, ApplicationRowKey.Of(id))).Value.GetInt32("Sequence");
        }

        await Applications.DeleteEntityAsync(deleted, ApplicationRowKey.Of(deleted));
        await Applications.UpdateEntityAsync(
            new TableEntity(altered, ApplicationRowKey.Of(altered)) { ["Stage"] = nameof(ApplicationStage.Delivered), ["Province"] = "001" }, ETag.All, TableUpdateMode.Merge);
        await Applications.UpdateEntityAsync(
            new TableEntity(stale, ApplicationRowKey.Of(stale)) { ["Stage"] = nameof(ApplicationStage.Received), ["Sequence"] = 1 }, ETag.All, TableUpdateMode.Merge);

        (ReconciliationSummary summary, ReconciliationReport report) = await RunAsync();

        Assert.Equal(("missing-row", "rebuilt-row", "done"), Single(report, deleted));
        Assert.Equal(("altered-row", "repaired-row", "done"), Single(report, altered));
        Assert.Equal(("stale-row", "repaired-row", "done"), Single(report, stale));
        Assert.Contains("Stage", report.Items.Single(i => i.ApplicationId == altered).Detail, StringComparison.Ordinal);
        Assert.Contains("Province", report.Items.Single(i => i.ApplicationId == altered).Detail, StringComparison.Ordinal);
        Assert.True(summary.Found["missing-row"] >= 1 && summary.Done["repaired-row"] >= 2, JsonSerializer.Serialize(summary));

        foreach (string id in new[] { deleted, altered, stale })
        {
            TableEntity row = (await Applications.GetEntityAsync<TableEntity>(id, ApplicationRowKey.Of(id))).Value;
            Assert.Equal(nameof(ApplicationStage.AwaitingApproval), row.GetString("Stage"));
            Assert.Equal(sequences[id], row.GetInt32("Sequence"));
            Assert.Equal("079", row.GetString("Province"));
            Assert.Equal(E.ApprovalDecision, row.GetString("WaitingFor"));
        }

        // The repaired rows are the journal's: the workflow goes on from them as if nothing had happened.
        using HttpResponseMessage approved = await Api.RaiseAsync(officer, deleted, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" });
        Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        await host.WaitForAsync(deleted, s => s.Stage == ApplicationStage.Printing);

        // Safe to run again at any moment: nothing left to repair.
        (_, ReconciliationReport again) = await RunAsync();
        Assert.DoesNotContain(again.Items, i => sequences.ContainsKey(i.ApplicationId) && FindingKinds.IsDrift(i.Finding));
    }

    [Fact]
    public async Task A_row_the_journal_wrote_ahead_of_the_workflows_stored_status_is_left_as_it_is()
    {
        string leading = await host.SubmitAwaitingApprovalAsync(kiosk);
        string forged = await host.SubmitAwaitingApprovalAsync(kiosk);
        string borrowed = await host.SubmitAwaitingApprovalAsync(kiosk);
        TableClient timeline = azurite.Tables.GetTableClient(StorageNames.TimelineTable);
        var next = new Dictionary<string, int>();
        var province = new Dictionary<string, string>();
        DateTimeOffset at = DateTimeOffset.UtcNow;
        foreach (string id in new[] { leading, forged, borrowed })
        {
            TableEntity before = (await Applications.GetEntityAsync<TableEntity>(id, ApplicationRowKey.Of(id))).Value;
            next[id] = before.GetInt32("Sequence")!.Value + 1;
            province[id] = before.GetString("Province")!;
            if (id != forged)
            {
                // What an activity does with the journal's entries before the runtime stores its episode's status:
                // the timeline entry first, then the row.
                await timeline.AddEntityAsync(new TableEntity(id, next[id].ToString("D6", System.Globalization.CultureInfo.InvariantCulture))
                {
                    ["Stage"] = nameof(ApplicationStage.Approved), ["At"] = at, ["Cause"] = "rule", ["Detail"] = "approved", ["WaitingFor"] = "",
                    ["WaitDeadline"] = before.GetDateTimeOffset("WaitDeadline"),
                });
            }

            await Applications.UpdateEntityAsync(
                new TableEntity(id, ApplicationRowKey.Of(id))
                {
                    ["Stage"] = nameof(ApplicationStage.Approved), ["Sequence"] = next[id], ["UpdatedAt"] = at, ["WaitingFor"] = "",
                    // The third borrows the journal's sequence and stage but claims another province.
                    ["Province"] = id != borrowed ? province[id] : province[id] == "001" ? "002" : "001",
                },
                ETag.All, TableUpdateMode.Merge);
        }

        (_, ReconciliationReport report) = await RunAsync();

        Assert.DoesNotContain(report.Items, i => i.ApplicationId == leading);
        TableEntity row = (await Applications.GetEntityAsync<TableEntity>(leading, ApplicationRowKey.Of(leading))).Value;
        Assert.Equal((nameof(ApplicationStage.Approved), next[leading]), (row.GetString("Stage"), row.GetInt32("Sequence")));

        // The same row without the journal's timeline entry, or with it but another province, was written by something
        // else: repaired from the workflow.
        foreach (string id in new[] { forged, borrowed })
        {
            Assert.Equal(("altered-row", "repaired-row", "done"), Single(report, id));
            row = (await Applications.GetEntityAsync<TableEntity>(id, ApplicationRowKey.Of(id))).Value;
            Assert.Equal((nameof(ApplicationStage.AwaitingApproval), province[id]), (row.GetString("Stage"), row.GetString("Province")));
        }
    }

    [Fact]
    public async Task A_row_whose_orchestration_no_longer_exists_is_flagged_and_escalated_not_deleted()
    {
        // A row the journal wrote for a workflow that is gone (purged, or a store restored without it): written through
        // the projection's write path, so it is in the in-flight index the run walks.
        string ghost = Guid.CreateVersion7().ToString("N");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var header = new ApplicationHeader(ghost, ApplicationType.New, "079", LocalHostProcess.KioskId, now, now.AddDays(7));
        await new ApplicationProjection(azurite.Tables).ApplyAsync(
            new ApplicationTransition(header, 9, ApplicationStage.Printing, now, "test", null, [], null), CancellationToken.None);

        (_, ReconciliationReport report) = await RunAsync();
        Assert.Equal(("orphaned-row", "flagged-orphaned", "done; escalated"), Single(report, ghost));
        TableEntity row = (await Applications.GetEntityAsync<TableEntity>(ghost, ApplicationRowKey.Of(ghost))).Value;
        Assert.True(row.GetBoolean(ReconciliationColumns.Orphaned));
        Assert.Equal(nameof(ApplicationStage.Printing), row.GetString("Stage"));
        Assert.Equal("orphaned-row", row.GetString(ReconciliationColumns.Escalation));
        Assert.Single(await AsyncItems.AllAsync(azurite.Tables.GetTableClient(Escalations.TableName).QueryAsync<TableEntity>($"PartitionKey eq '{ghost}'")));

        (_, ReconciliationReport again) = await RunAsync();
        Assert.Equal(("orphaned-row", "flagged-orphaned", "already flagged"), Single(again, ghost));
    }

    [Fact]
    public async Task A_lost_print_order_is_sent_again_and_a_print_callback_that_never_came_is_escalated()
    {
        string id = await host.SubmitAwaitingApprovalAsync(kiosk);
        using HttpResponseMessage approved = await Api.RaiseAsync(officer, id, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" });
        Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.CardPrinted));
        TableClient backlog = azurite.Tables.GetTableClient(PrintBacklog.Table);
        List<TableEntity> orders = await WaitForOrdersAsync(backlog, id);
        TableEntity order = Assert.Single(orders);
        // Lost: the attempt's record and its waiting entry (if no batch has taken it yet) are gone.
        foreach (TableEntity row in await AsyncItems.AllAsync(backlog.QueryAsync<TableEntity>($"ApplicationId eq '{id}'")))
        {
            try
            {
                await backlog.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Taken into a batch meanwhile.
            }
        }

        // First run: the order is gone, so it is sent again (same attempt: the print centre answers by attempt).
        (_, ReconciliationReport first) = await RunAsync();
        ReconciliationItem redriven = Assert.Single(first.Items, i => i.ApplicationId == id);
        Assert.Equal(("stuck", "redriven"), (redriven.Finding, redriven.Action));
        Assert.StartsWith("print order 1 was not in the backlog; sent again", redriven.Outcome, StringComparison.Ordinal);
        TableEntity resent = Assert.Single(await WaitForOrdersAsync(backlog, id));
        Assert.Equal(order.RowKey, resent.RowKey);

        // Second run: the order is there and still unanswered: the callback never came, so an operator must look.
        (_, ReconciliationReport second) = await RunAsync();
        ReconciliationItem escalated = Assert.Single(second.Items, i => i.ApplicationId == id);
        Assert.Equal(("stuck", nameof(ApplicationStage.Printing), "escalated", "done"), (escalated.Finding, escalated.Stage, escalated.Action, escalated.Outcome));
        Assert.Contains($"waiting for {E.CardPrinted} or {E.CardPrintFailed}", escalated.Detail, StringComparison.Ordinal);
        TableEntity escalation = Assert.Single(await AsyncItems.AllAsync(
            azurite.Tables.GetTableClient(Escalations.TableName).QueryAsync<TableEntity>($"PartitionKey eq '{id}'")));
        Assert.StartsWith($"{id}:stuck-Printing-", escalation.RowKey, StringComparison.Ordinal);
        Assert.Equal(second.RunId, escalation.GetString("RunId"));
        Assert.Equal("stuck", (await Applications.GetEntityAsync<TableEntity>(id, ApplicationRowKey.Of(id))).Value.GetString(ReconciliationColumns.Escalation));

        // Third run: found again, raised once.
        (_, ReconciliationReport third) = await RunAsync();
        ReconciliationItem repeated = Assert.Single(third.Items, i => i.ApplicationId == id);
        Assert.Equal("escalated", repeated.Action);
        Assert.StartsWith($"already escalated at", repeated.Outcome, StringComparison.Ordinal);
        Assert.EndsWith($"by run {second.RunId}", repeated.Outcome, StringComparison.Ordinal);

        // The workflow is untouched: the late callback still moves it on.
        using HttpResponseMessage printed = await Api.RaiseAsync(host.Client(Roles.PrintCentre), id, E.CardPrinted, new { reference = "PJ-LATE" });
        Assert.Equal(HttpStatusCode.Accepted, printed.StatusCode);
        await host.WaitForAsync(id, s => s.Stage != ApplicationStage.Printing);
    }

    [Fact]
    public async Task A_workflow_that_broke_is_re_driven_from_its_last_good_stage()
    {
        string id = await host.SubmitAwaitingApprovalAsync(kiosk);

        // The citizen's approval notice cannot be queued: the activity exhausts its retries and the workflow breaks.
        await azurite.Tables.DeleteTableAsync(NotificationOutbox.TableName);
        try
        {
            using HttpResponseMessage approved = await Api.RaiseAsync(officer, id, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" });
            Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
            await host.WaitForAsync(id, s => s.RuntimeStatus == "Failed", TimeSpan.FromMinutes(3));
        }
        finally
        {
            await azurite.Tables.CreateTableIfNotExistsAsync(NotificationOutbox.TableName);
        }

        (_, ReconciliationReport report) = await RunAsync();
        ReconciliationItem item = Assert.Single(report.Items, i => i.ApplicationId == id);
        Assert.Equal(("workflow-failed", "redriven"), (item.Finding, item.Action));
        Assert.StartsWith("resumed at Personalised", item.Outcome, StringComparison.Ordinal);

        // The officer's approval is kept: the new run goes on to printing without asking again.
        ApplicationStatusResponse resumed = await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.CardPrinted), TimeSpan.FromMinutes(2));
        Assert.Equal("Running", resumed.RuntimeStatus);
        (_, ReconciliationReport again) = await RunAsync();
        Assert.DoesNotContain(again.Items, i => i.ApplicationId == id && i.Finding == "workflow-failed");
    }

    [Fact]
    public async Task A_run_while_another_holds_the_lock_answers_already_running_and_does_nothing()
    {
        string id = await host.SubmitAwaitingApprovalAsync(kiosk);
        await Applications.DeleteEntityAsync(id, ApplicationRowKey.Of(id));

        BlobClient lockBlob = azurite.Blobs.GetBlobContainerClient(ReconciliationLock.Container).GetBlobClient(ReconciliationLock.BlobName);
        await lockBlob.GetParentBlobContainerClient().CreateIfNotExistsAsync();
        if (!await lockBlob.ExistsAsync())
        {
            await lockBlob.UploadAsync(BinaryData.Empty);
        }

        BlobLeaseClient otherRun = lockBlob.GetBlobLeaseClient();
        await otherRun.AcquireAsync(TimeSpan.FromSeconds(60));
        try
        {
            using HttpResponseMessage refused = await officer.PostAsync(Runs, null);
            await Api.AssertProblemAsync(refused, HttpStatusCode.Conflict, "reconciliation-running");
            Assert.False((await Applications.GetEntityIfExistsAsync<TableEntity>(id, ApplicationRowKey.Of(id))).HasValue);
        }
        finally
        {
            await otherRun.ReleaseAsync();
        }

        // Two runs asked for at once: each is accepted (202, run in the background: it runs, or finds the other's lock
        // and is marked not-run) or answers 409; the missing row is rebuilt by exactly one.
        HttpResponseMessage[] answers = await Task.WhenAll(officer.PostAsync(Runs, null), officer.PostAsync(Runs, null));
        var reports = new List<ReconciliationReport>();
        foreach (HttpResponseMessage answer in answers)
        {
            using (answer)
            {
                if (answer.StatusCode == HttpStatusCode.Conflict)
                {
                    await Api.AssertProblemAsync(answer, HttpStatusCode.Conflict, "reconciliation-running");
                    continue;
                }

                Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
                JsonElement run = await Api.WaitForRunAsync(officer, answer.Headers.Location!);
                if (run.GetProperty("status").GetString() == RunStates.Finished)
                {
                    reports.Add(run.Deserialize<ReconciliationReport>(JsonSerializerOptions.Web)!);
                }
            }
        }

        Assert.NotEmpty(reports);
        Assert.Single(reports.SelectMany(r => r.Items), i => i.ApplicationId == id && i.Action == "rebuilt-row");
        Assert.True((await Applications.GetEntityIfExistsAsync<TableEntity>(id, ApplicationRowKey.Of(id))).HasValue);
    }

    [Fact]
    public async Task Asking_for_a_run_answers_202_at_once_with_the_run_s_url_which_shows_its_status_then_its_report()
    {
        using HttpResponseMessage accepted = await officer.PostAsync(Runs, null);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        ReconciliationRunStatus status = (await accepted.Content.ReadFromJsonAsync<ReconciliationRunStatus>(JsonSerializerOptions.Web))!;
        Assert.Equal($"/api/v1/reconciliation/runs/{status.RunId}", accepted.Headers.Location?.OriginalString);
        Assert.Equal(RunStates.Queued, status.Status);
        Assert.Equal($"operator {LocalHostProcess.Keys[Roles.Operator].Principal}", status.Trigger);

        JsonElement finished = await Api.WaitForRunAsync(officer, accepted.Headers.Location!);
        ReconciliationReport report = finished.Deserialize<ReconciliationReport>(JsonSerializerOptions.Web)!;
        Assert.Equal((status.RunId, RunStates.Finished), (report.RunId, report.Status));
        Assert.NotNull(report.Coverage);
        Assert.StartsWith($"checked {report.Coverage.CheckedFromCursor} of {report.Coverage.InFlight} in flight; a full pass every ", report.Coverage.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_is_stored_as_json_and_csv_listing_what_was_found_and_done()
    {
        string id = await host.SubmitAwaitingApprovalAsync(kiosk);
        await Applications.DeleteEntityAsync(id, ApplicationRowKey.Of(id));

        (ReconciliationSummary summary, ReconciliationReport report) = await RunAsync();

        Assert.Equal($"reconciliation-reports/{summary.RunId}.json", summary.JsonReport);
        Assert.Equal($"reconciliation-reports/{summary.RunId}.csv", summary.CsvReport);
        Assert.Equal(report.Items.Count, summary.Items);
        Assert.Equal($"operator {LocalHostProcess.Keys[Roles.Operator].Principal}", report.Trigger);
        Assert.True(report.Checked >= 1);

        BlobContainerClient container = azurite.Blobs.GetBlobContainerClient(ReconciliationReports.Container);
        string csv = (await container.GetBlobClient(summary.RunId + ".csv").DownloadContentAsync()).Value.Content.ToString();
        string[] lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("runId,applicationId,finding,stage,action,outcome,detail", lines[0]);
        Assert.Equal(report.Items.Count + 1, lines.Length);
        Assert.Contains(lines, l => l.StartsWith($"{summary.RunId},{id},missing-row,AwaitingApproval,rebuilt-row,done,", StringComparison.Ordinal));
        var json = (await container.GetBlobClient(summary.RunId + ".json").GetPropertiesAsync()).Value;
        Assert.Equal("application/json", json.ContentType);
    }

    [Fact]
    public async Task Housekeeping_deletes_only_entries_older_than_their_windows()
    {
        // Written through the ledgers (with clocks set back), as intake and the packet processor write them.
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string tag = Guid.NewGuid().ToString("N")[..8];
        var keys = new IdempotencyLedger(azurite.Tables, TimeProvider.System);
        var entry = new IdempotencyEntry("digest", "app-" + tag, now, now, Completed: true);
        await new IdempotencyLedger(azurite.Tables, new FakeClock(now.AddDays(-31))).ClaimAsync("HK-KIOSK", "old-" + tag, entry, CancellationToken.None);
        await new IdempotencyLedger(azurite.Tables, new FakeClock(now.AddDays(-1))).ClaimAsync("HK-KIOSK", "new-" + tag, entry, CancellationToken.None);
        TableClient nonces = azurite.Tables.GetTableClient(NonceLedger.TableName);
        var nonceLedger = new NonceLedger(azurite.Tables, TimeProvider.System);
        await nonceLedger.TryRecordAsync("HK-KIOSK", "old-" + tag, now.AddHours(-2), CancellationToken.None);
        await nonceLedger.TryRecordAsync("HK-KIOSK", "new-" + tag, now.AddMinutes(-3), CancellationToken.None);

        // Receipts: old and counted with the blob gone (stale); old but not yet counted; old but its blob version still waits; fresh.
        BlobContainerClient inbox = azurite.Blobs.GetBlobContainerClient(OfflinePacketStorage.InboxContainer);
        await inbox.CreateIfNotExistsAsync();
        ETag waiting = (await inbox.GetBlobClient($"waiting-{tag}.zip").UploadAsync(BinaryData.FromString("zip"))).Value.ETag;
        TableClient receipts = azurite.Tables.GetTableClient(OfflinePacketStorage.ReceiptsTable);
        await receipts.CreateIfNotExistsAsync();
        var receiptLedger = new PacketReceipts(azurite.Tables);
        async Task<TableEntity> ReceiptAsync(string name, ETag etag, DateTimeOffset at, bool counted)
        {
            PacketReceipt receipt = await receiptLedger.AddOrGetAsync(
                new PacketReceipt(name, etag, PacketReceiptKind.Accepted, "app-" + tag, null, null, at, Counted: false), CancellationToken.None);
            if (counted)
            {
                await receiptLedger.MarkCountedAsync(receipt, CancellationToken.None);
            }

            return new TableEntity(PacketReceipts.PartitionKeyFor(name), PacketReceipts.RowKeyFor(etag));
        }

        TableEntity[] receiptRows =
        [
            await ReceiptAsync($"gone-{tag}.zip", new ETag("\"0x1\""), now.AddDays(-31), counted: true),
            await ReceiptAsync($"uncounted-{tag}.zip", new ETag("\"0x2\""), now.AddDays(-31), counted: false),
            await ReceiptAsync($"waiting-{tag}.zip", waiting, now.AddDays(-31), counted: true),
            await ReceiptAsync($"fresh-{tag}.zip", new ETag("\"0x4\""), now.AddDays(-2), counted: true),
        ];

        (ReconciliationSummary summary, _) = await RunAsync();

        Assert.True(summary.Housekeeping.IdempotencyKeysDeleted >= 1 && summary.Housekeeping.NoncesDeleted >= 1 && summary.Housekeeping.ReceiptsDeleted >= 1,
            JsonSerializer.Serialize(summary.Housekeeping));
        Assert.True((await keys.WaitForCompletionAsync("HK-KIOSK", "old-" + tag, (_, _) => Task.FromResult(true), TimeSpan.Zero, CancellationToken.None)).Forgotten);
        Assert.NotNull((await keys.WaitForCompletionAsync("HK-KIOSK", "new-" + tag, (_, _) => Task.FromResult(true), TimeSpan.Zero, CancellationToken.None)).Entry);
        Assert.False(await ExistsAsync(nonces, "HK-KIOSK", "old-" + tag));
        Assert.True(await ExistsAsync(nonces, "HK-KIOSK", "new-" + tag));
        bool[] kept = await Task.WhenAll(receiptRows.Select(r => ExistsAsync(receipts, r.PartitionKey, r.RowKey)));
        Assert.Equal((false, true, true, true), (kept[0], kept[1], kept[2], kept[3]));
    }

    [Fact]
    public async Task A_counter_that_drifted_is_suspected_by_one_runs_recount_and_corrected_by_the_next()
    {
        await host.SubmitAwaitingApprovalAsync(kiosk);
        TableClient counters = azurite.Tables.GetTableClient(Workflow.Operations.Query.ApplicationCounters.TableName);
        TableEntity cell = (await AsyncItems.AllAsync(counters.QueryAsync<TableEntity>("PartitionKey eq 'p-079'")))
            .First(c => (c.GetInt64(nameof(ApplicationStage.AwaitingApproval)) ?? 0) > 0);
        long held = cell.GetInt64(nameof(ApplicationStage.AwaitingApproval))!.Value;
        await counters.UpdateEntityAsync(
            new TableEntity(cell.PartitionKey, cell.RowKey) { [nameof(ApplicationStage.AwaitingApproval)] = held + 7 }, ETag.All, TableUpdateMode.Merge);
        var drift = new Workflow.Operations.Query.CounterCorrection(cell.PartitionKey, cell.RowKey, nameof(ApplicationStage.AwaitingApproval), held + 7, held);

        // The test host's tables are small: each run's batch is a whole pass.
        (_, ReconciliationReport first) = await RunAsync();
        Assert.True(first.CounterRecount?.Finished, JsonSerializer.Serialize(first.CounterRecount));
        Assert.Contains(drift, first.CounterRecount!.Suspected);
        Assert.DoesNotContain(drift, first.CounterRecount.Corrections);

        (_, ReconciliationReport second) = await RunAsync();
        Assert.Contains(drift, second.CounterRecount!.Corrections);
        Assert.Equal(held, (await counters.GetEntityAsync<TableEntity>(cell.PartitionKey, cell.RowKey)).Value.GetInt64(nameof(ApplicationStage.AwaitingApproval)));
    }

    [Fact]
    public async Task Only_operators_may_run_reconciliation_or_read_a_report()
    {
        using HttpClient anonymous = host.Client(null);
        using HttpClient printCentre = host.Client(Roles.PrintCentre);
        using HttpClient kioskKey = host.Client(Roles.Kiosk);

        using (HttpResponseMessage r = await anonymous.PostAsync(Runs, null))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.Unauthorized, "unauthenticated");
        }

        foreach (HttpClient wrongRole in new[] { printCentre, kioskKey })
        {
            using HttpResponseMessage r = await wrongRole.PostAsync(Runs, null);
            await Api.AssertProblemAsync(r, HttpStatusCode.Forbidden, "forbidden");
        }

        (ReconciliationSummary summary, _) = await RunAsync();
        using (HttpResponseMessage r = await anonymous.GetAsync(new Uri($"{Runs}/{summary.RunId}", UriKind.Relative)))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.Unauthorized, "unauthenticated");
        }

        using (HttpResponseMessage r = await printCentre.GetAsync(new Uri($"{Runs}/{summary.RunId}", UriKind.Relative)))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (string unknown in new[] { "20260101T000000Z-00000000", "not-a-run", "..%2Flock" })
        {
            using HttpResponseMessage r = await officer.GetAsync(new Uri($"{Runs}/{unknown}", UriKind.Relative));
            await Api.AssertProblemAsync(r, HttpStatusCode.NotFound, "not-found");
        }
    }

    async Task<(ReconciliationSummary Summary, ReconciliationReport Report)> RunAsync()
    {
        ReconciliationSummary summary = await Api.ReconcileAsync(officer);
        return (summary, await ReportAsync(summary.RunId));
    }

    async Task<ReconciliationReport> ReportAsync(string runId)
    {
        using HttpResponseMessage response = await officer.GetAsync(new Uri($"{Runs}/{runId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<ReconciliationReport>(JsonSerializerOptions.Web))!;
    }

    static (string Finding, string Action, string Outcome) Single(ReconciliationReport report, string id)
    {
        ReconciliationItem item = Assert.Single(report.Items, i => i.ApplicationId == id);
        return (item.Finding, item.Action, item.Outcome);
    }

    static async Task<List<TableEntity>> WaitForOrdersAsync(TableClient backlog, string id)
    {
        for (DateTime until = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(200))
        {
            // The attempts' records (a waiting attempt also has its wait- entry).
            List<TableEntity> rows = [.. (await AsyncItems.AllAsync(backlog.QueryAsync<TableEntity>($"ApplicationId eq '{id}'")))
                .Where(r => r.RowKey.StartsWith("card-", StringComparison.Ordinal))];
            if (rows.Count > 0 || DateTime.UtcNow > until)
            {
                return rows;
            }
        }
    }

    static async Task<bool> ExistsAsync(TableClient table, string partitionKey, string rowKey) =>
        (await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey)).HasValue;
}
