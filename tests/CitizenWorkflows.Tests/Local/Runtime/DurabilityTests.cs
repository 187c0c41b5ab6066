using System.Net;
using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;
using CitizenWorkflows.TestData;

namespace CitizenWorkflows.Tests.Local.Runtime;

/// <summary>
/// The Local host is killed with SIGKILL while applications wait for the print centre; a new process on the same task
/// hub finishes every one of them exactly once.
/// </summary>
public sealed class DurabilityTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    const string TaskHub = "DurabilityHub";
    const int Applications = 6;

    static readonly Dictionary<string, string> Unattended = new()
    {
        ["Simulators:Enabled"] = "true",
        ["Simulators:PrintCentre:Delay"] = "00:00:04",
        ["Simulators:Courier:Delay"] = "00:00:00.500",
        ["Notifications:PollInterval"] = "00:00:00.500",
    };

    [Fact]
    public async Task Applications_waiting_when_the_host_is_killed_complete_once_after_a_restart()
    {
        LocalHostProcess first = await LocalHostProcess.StartAsync(azurite, TaskHub, Unattended);
        var ids = new List<string>();
        await using (first)
        {
            Kiosk mobileTeam = await LocalHostProcess.RegisterKioskAsync(azurite, "MOBILE-TEAM-07", "001", mobile: true);
            using HttpClient kiosk = first.SignedClient(mobileTeam);
            using HttpClient officer = first.Client(Roles.Operator);
            var samples = new SampleApplicants(seed: 7);
            for (int i = 0; i < Applications; i++)
            {
                ids.Add((await Api.SubmitAsync(kiosk, samples.Next(DateTimeOffset.UtcNow))).ApplicationId);
            }

            foreach (string id in ids)
            {
                await first.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision));
                using HttpResponseMessage approved = await Api.RaiseAsync(officer, id, E.ApprovalDecision, new { decision = "approve" });
                Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
            }

            // Every application now waits for the (slow) print centre: crash the whole process.
            foreach (string id in ids)
            {
                await first.WaitForAsync(id, s => s.WaitingFor.Contains(E.CardPrinted));
            }

            await first.KillAsync();
        }

        await using LocalHostProcess second = await LocalHostProcess.StartAsync(azurite, TaskHub, Unattended);
        var collectedAtStation = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in ids)
        {
            ApplicationStatusResponse done = await second.WaitForAsync(
                id, s => s.Stage == ApplicationStage.Delivered && s.RuntimeStatus == "Completed", TimeSpan.FromMinutes(3));

            // Exactly one of each transition: nothing replayed twice into the timeline.
            Assert.Equal(Enumerable.Range(1, done.Timeline.Count), done.Timeline.Select(t => t.Sequence));
            Assert.Single(done.Timeline, t => t.Stage == ApplicationStage.Delivered);
            Assert.Single(done.Timeline, t => t.Stage == ApplicationStage.Personalised);
            if (done.Timeline.Any(t => t.Stage == ApplicationStage.AtStation))
            {
                collectedAtStation.Add(id); // the sample applicants choose station or posted delivery
            }
        }

        // Each document once, one row, one workflow and one personal number per application; no number shared.
        List<string> blobs = [.. (await AsyncItems.AllAsync(azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer).GetBlobsAsync())).Select(b => b.Name)];
        Assert.Equal(
            ids.SelectMany(id => new[] { "portrait", "application.json", PersonaliseCard.CardDocument, PersonaliseCard.QrDocument, PersonaliseCard.ChipDocument, "fingerprint-01", "fingerprint-02", "fingerprint-06", "fingerprint-07" }
                .Select(name => $"applications/{id}/{name}")).Order(StringComparer.Ordinal),
            blobs.Order(StringComparer.Ordinal));
        Assert.Equal(Applications, (await AsyncItems.AllAsync(azurite.Tables.GetTableClient(StorageNames.ApplicationsTable).QueryAsync<TableEntity>())).Count);
        List<TableEntity> enrolments = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(FingerprintSearchIndex.TableName).QueryAsync<TableEntity>());
        Assert.Equal(ids.Order(StringComparer.Ordinal), enrolments.Select(e => e.GetString("ApplicationId")).Order(StringComparer.Ordinal));
        Assert.Equal(Applications, (await AsyncItems.AllAsync(azurite.Tables.GetTableClient(TaskHub + "Instances").QueryAsync<TableEntity>())).Count);
        List<TableEntity> numbers = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(StorageNames.PersonalNumbersTable).QueryAsync<TableEntity>());
        Assert.Equal(ids.Order(StringComparer.Ordinal), numbers.Select(n => n.GetString("ApplicationId")).Order(StringComparer.Ordinal));

        // Each citizen told of approval, the printed card, the card waiting at the station and the handover once each,
        // across the kill; the outbox drained.
        string[] expected = [.. ids.SelectMany(id => new[] { NotificationKind.Approved, NotificationKind.CardReady, NotificationKind.ReadyForCollection, NotificationKind.Delivered }
            .Where(k => k != NotificationKind.ReadyForCollection || collectedAtStation.Contains(id))
            .Select(k => $"{id}:{k}"))];
        List<TableEntity> sent = [], pending = [];
        for (DateTime until = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(500))
        {
            sent = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(RecordingNotifier.TableName).QueryAsync<TableEntity>());
            pending = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(NotificationOutbox.PendingTableName).QueryAsync<TableEntity>());
            if ((sent.Count >= expected.Length && pending.Count == 0) || DateTime.UtcNow > until)
            {
                break;
            }
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), sent.Select(n => n.RowKey).Order(StringComparer.Ordinal));
        List<TableEntity> outbox = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(NotificationOutbox.TableName).QueryAsync<TableEntity>());
        Assert.Equal(expected.Length, outbox.Count);
        Assert.All(outbox, row => Assert.False(row.GetBoolean("Pending")));
        Assert.Empty(pending);
    }
}
