using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.History;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Security;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Lifecycle;

/// <summary>
/// Workflows outlive deployments: applications started by a build on workflow version 1 wait for an officer while the
/// host is replaced by one that starts version 2. Old and new applications then finish, each on the steps of the version
/// it started on, as the orchestration service's stored history shows.
/// </summary>
public sealed class WorkflowVersionUpgradeTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    const string TaskHub = "VersionUpgradeHub";

    /// <summary>The partners answer at once; the citizen's notices go out within half a second.</summary>
    static Dictionary<string, string> Settings(IReadOnlyDictionary<string, string>? more = null) =>
        FastPartners.Settings(new Dictionary<string, string>(more ?? new Dictionary<string, string>()) { ["Notifications:PollInterval"] = "00:00:00.500" });

    [Fact]
    public async Task Applications_started_on_version_1_finish_on_it_after_the_host_restarts_on_version_2()
    {
        Kiosk kiosk = await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079");
        (Applicant Person, string Id) oldApproved, oldRejected, newApproved, newRejected;

        // The build before: it starts version 1. Its applications wait for an officer when it goes away.
        LocalHostProcess before = await LocalHostProcess.StartAsync(azurite, TaskHub, Settings(new Dictionary<string, string> { ["Workflow:OrchestrationVersion"] = "1" }));
        await using (before)
        {
            using HttpClient kioskClient = before.SignedClient(kiosk);
            oldApproved = await SubmitAwaitingApprovalAsync(before, kioskClient);
            oldRejected = await SubmitAwaitingApprovalAsync(before, kioskClient);
            await before.KillAsync();
        }

        // The build after, on its default: the latest version.
        await using LocalHostProcess after = await LocalHostProcess.StartAsync(azurite, TaskHub, Settings());
        using (HttpClient kioskClient = after.SignedClient(kiosk))
        {
            newApproved = await SubmitAwaitingApprovalAsync(after, kioskClient);
            newRejected = await SubmitAwaitingApprovalAsync(after, kioskClient);
        }

        using HttpClient officer = after.Client(Roles.Operator);
        foreach ((_, string id) in new[] { oldApproved, newApproved })
        {
            await after.AnswerAsync(id, officer, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" });
        }

        foreach ((_, string id) in new[] { oldRejected, newRejected })
        {
            await after.AnswerAsync(id, officer, E.ApprovalDecision, new { decision = "reject", reason = "photo does not match" });
        }

        foreach ((_, string id) in new[] { oldApproved, newApproved })
        {
            ApplicationStatusResponse delivered = await after.WaitForAsync(
                id, s => s.Stage == ApplicationStage.Delivered && s.RuntimeStatus == "Completed", TimeSpan.FromMinutes(3));
            Assert.Equal(Enumerable.Range(1, delivered.Timeline.Count), delivered.Timeline.Select(t => t.Sequence));
            Assert.Single(delivered.Timeline, t => t.Stage == ApplicationStage.Delivered);

            // Delivery is the same on both versions: the handover is the last step and releases the claim itself.
            Assert.Equal(nameof(RecordHandover), (await ScheduledAfterTheDecisionAsync(officer, id))[^1]);
        }

        foreach ((_, string id) in new[] { oldRejected, newRejected })
        {
            ApplicationStatusResponse rejected = await after.WaitForAsync(id, s => s.Stage == ApplicationStage.Rejected && s.RuntimeStatus == "Completed");
            Assert.Equal(Enumerable.Range(1, rejected.Timeline.Count), rejected.Timeline.Select(t => t.Sequence));
            Assert.Equal("photo does not match", rejected.Timeline[^1].Detail);
        }

        // The changed step: version 1 writes a rejection's final entries in an activity of their own before the release;
        // version 2 hands them to the release. The old application kept version 1 across the restart.
        Assert.Equal([nameof(RecordTransitions), nameof(ReleaseCitizenClaim)], await ScheduledAfterTheDecisionAsync(officer, oldRejected.Id));
        Assert.Equal([nameof(ReleaseCitizenClaim)], await ScheduledAfterTheDecisionAsync(officer, newRejected.Id));

        // Either way every claim is released and each rejected citizen told once.
        foreach ((Applicant person, _) in new[] { oldApproved, oldRejected, newApproved, newRejected })
        {
            Assert.Null(await HolderAsync(person));
        }

        string[] notices = [$"{oldRejected.Id}:{NotificationKind.Rejected}", $"{newRejected.Id}:{NotificationKind.Rejected}"];
        TableClient sent = azurite.Tables.GetTableClient(RecordingNotifier.TableName);
        for (DateTime until = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(500))
        {
            List<TableEntity> rows = await AsyncItems.AllAsync(sent.QueryAsync<TableEntity>());
            if (notices.All(n => rows.Any(r => r.RowKey == n)) || DateTime.UtcNow > until)
            {
                Assert.All(notices, n => Assert.Contains(rows, r => r.RowKey == n));
                break;
            }
        }
    }

    /// <summary>A renewal by a person of its own (the registry does not know them), once it waits for an officer.</summary>
    static async Task<(Applicant Person, string Id)> SubmitAwaitingApprovalAsync(LocalHostProcess host, HttpClient kiosk)
    {
        Applicant person = Samples.NextApplicant();
        string id = (await Api.SubmitAsync(kiosk, Samples.RenewalBy(person))).ApplicationId;
        await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision));
        return (person, id);
    }

    /// <summary>The activities the workflow scheduled after the officer's decision, from the stored history the
    /// operators' detail shows.</summary>
    static async Task<string[]> ScheduledAfterTheDecisionAsync(HttpClient officer, string id)
    {
        JsonElement detail = await officer.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/applications/{id}/detail", UriKind.Relative));
        HistoryItem[] history = detail.GetProperty("history").Deserialize<HistoryItem[]>(JsonSerializerOptions.Web)!;
        int decided = Array.FindIndex(history, e => e.EventType == "EventRaised" && e.Name == E.ApprovalDecision);
        Assert.True(decided >= 0, $"no {E.ApprovalDecision} in the history of {id}");
        return [.. history.Skip(decided + 1).Where(e => e.EventType == "TaskScheduled").Select(e => e.Name!)];
    }

    async Task<string?> HolderAsync(Applicant person) =>
        await new CitizenClaims(azurite.Tables, new PersonalNumberRegistry(azurite.Tables, new PopulationRegistry(azurite.Tables)), TimeProvider.System)
            .HolderAsync(CitizenKey.Of(person), CancellationToken.None);
}
