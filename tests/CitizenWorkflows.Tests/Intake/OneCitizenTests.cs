using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Intake;

/// <summary>
/// One application in flight per citizen, over HTTP on Azurite: concurrent submissions for one person from several
/// kiosks make one application and 409s naming it; once it ends the citizen may apply again; the stored application is
/// the canonical one; the personal-number registry refuses a second card in production.
/// </summary>
public sealed class OneCitizenTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    const string TaskHub = "OneCitizenHub";
    LocalHostProcess host = null!;
    readonly List<Kiosk> kiosks = [];

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, TaskHub);
        for (int k = 0; k < 5; k++)
        {
            kiosks.Add(await LocalHostProcess.RegisterKioskAsync(azurite, $"KIOSK-HCM-1{k:00}", "079"));
        }
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    static ApplicationUpload RenewalOf(Applicant person) => Samples.RenewalBy(person);

    [Fact]
    public async Task Fifty_concurrent_submissions_for_one_citizen_make_one_application_and_409s_naming_it()
    {
        Applicant person = Samples.NextApplicant();
        ApplicationUpload upload = RenewalOf(person);
        var clients = Enumerable.Range(0, 50).Select(i => host.SignedClient(kiosks[i % kiosks.Count])).ToList();
        try
        {
            using var start = new SemaphoreSlim(0);
            Task<(HttpStatusCode Status, string Body)>[] submissions = [.. clients.Select(async (c, i) =>
            {
                await start.WaitAsync();
                using HttpResponseMessage response = await c.SubmitApplicationAsync(upload, $"one-citizen-{i}");
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            })];
            start.Release(submissions.Length);
            (HttpStatusCode Status, string Body)[] answers = await Task.WhenAll(submissions);

            var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).ToList();
            Assert.True(accepted.Count == 1, string.Join("\n", answers.Select(a => $"{(int)a.Status}: {a.Body}").Distinct()));
            string id = JsonSerializer.Deserialize<SubmissionAccepted>(accepted[0].Body, JsonSerializerOptions.Web)!.ApplicationId;
            var refused = answers.Where(a => a.Status != HttpStatusCode.Accepted).ToList();
            Assert.Equal(49, refused.Count);
            foreach ((HttpStatusCode status, string body) in refused)
            {
                Assert.Equal(HttpStatusCode.Conflict, status);
                JsonElement problem = JsonSerializer.Deserialize<JsonElement>(body);
                Assert.Equal("urn:citizenworkflows:problem:application-in-flight", problem.GetProperty("type").GetString());
                Assert.Equal(id, problem.GetProperty("applicationId").GetString());
                Assert.Contains(id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }

            // One workflow, one set of documents, one claim; the refused left no key behind.
            Assert.Single(await AsyncItems.AllAsync(azurite.Tables.GetTableClient(TaskHub + "Instances").QueryAsync<TableEntity>(e => e.PartitionKey == id)));
            Assert.Equal(2, (await BlobsOfAsync(id)).Count);
            Assert.Equal(id, await HolderAsync(person));
            var keys = Enumerable.Range(0, 50).Select(i => KeyRow($"one-citizen-{i}")).ToHashSet(StringComparer.Ordinal);
            List<TableEntity> ledger = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(StorageNames.IdempotencyTable).QueryAsync<TableEntity>());
            Assert.Equal(id, Assert.Single(ledger, e => keys.Contains(e.RowKey)).GetString("ApplicationId"));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task After_the_application_is_rejected_the_citizen_may_apply_again_and_the_claim_moves()
    {
        Applicant person = Samples.NextApplicant();
        using HttpClient kiosk = host.SignedClient(kiosks[0]);
        using HttpClient other = host.SignedClient(kiosks[1]);
        string first = await SubmitAwaitingApprovalAsync(kiosk, person);

        // While it waits for an officer, a second submission from another kiosk with another key is refused.
        using (HttpResponseMessage meanwhile = await other.SubmitApplicationAsync(RenewalOf(person), "while-in-flight"))
        {
            JsonElement problem = await Api.AssertProblemAsync(meanwhile, HttpStatusCode.Conflict, "application-in-flight");
            Assert.Equal(first, problem.GetProperty("applicationId").GetString());
        }

        using HttpClient officer = host.Client(Workflow.Security.Roles.Operator);
        using (HttpResponseMessage rejected = await Api.RaiseAsync(officer, first, ApplicationEvents.ApprovalDecision, new { decision = "reject", reason = "photo does not match" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, rejected.StatusCode);
        }

        await host.WaitForAsync(first, s => s.Stage == ApplicationStage.Rejected && s.RuntimeStatus == "Completed");
        Assert.Null(await HolderAsync(person));

        // The same key as the refused one: a refusal stored nothing, so the key is free.
        string second = (await Api.SubmitAsync(other, RenewalOf(person), "while-in-flight")).ApplicationId;
        Assert.NotEqual(first, second);
        Assert.Equal(second, await HolderAsync(person));
    }

    [Fact]
    public async Task A_claim_whose_application_was_cancelled_is_taken_over_and_reconciliation_releases_ended_ones()
    {
        Applicant person = Samples.NextApplicant();
        using HttpClient kiosk = host.SignedClient(kiosks[2]);
        string first = await SubmitAwaitingApprovalAsync(kiosk, person);

        // An officer's terminate ends the workflow without its last activity: the claim stays until someone looks.
        using HttpClient officer = host.Client(Workflow.Security.Roles.Operator);
        await TerminateAsync(officer, first);
        Assert.Equal(first, await HolderAsync(person));
        await Api.ReconcileAsync(officer);
        Assert.Null(await HolderAsync(person));

        // And intake takes over a claim whose application ended, without waiting for reconciliation.
        string second = await SubmitAwaitingApprovalAsync(kiosk, person);
        await TerminateAsync(officer, second);
        string third = (await Api.SubmitAsync(kiosk, RenewalOf(person))).ApplicationId;
        Assert.Equal(third, await HolderAsync(person));
    }

    [Fact]
    public async Task An_officer_may_release_the_claim_for_a_replacement_and_the_decision_is_audited()
    {
        Applicant person = Samples.NextApplicant();
        using HttpClient kiosk = host.SignedClient(kiosks[4]);
        string first = await SubmitAwaitingApprovalAsync(kiosk, person);
        using HttpClient officer = host.Client(Workflow.Security.Roles.Operator);
        Uri release = new($"/api/v1/applications/{first}/actions/release-claim", UriKind.Relative);

        using (HttpResponseMessage noReason = await officer.PostAsJsonAsync(release, new { }))
        {
            await Api.AssertProblemAsync(noReason, HttpStatusCode.UnprocessableEntity, "validation");
        }

        Assert.Equal(first, await HolderAsync(person));
        using (HttpResponseMessage released = await officer.PostAsJsonAsync(release, new { reason = "card lost in the post; replacement approved" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, released.StatusCode);
        }

        string replacement = (await Api.SubmitAsync(kiosk, RenewalOf(person))).ApplicationId;
        Assert.Equal(replacement, await HolderAsync(person));
        using (HttpResponseMessage again = await officer.PostAsJsonAsync(release, new { reason = "again" }))
        {
            await Api.AssertProblemAsync(again, HttpStatusCode.Conflict, "no-claim");
        }

        List<TableEntity> audit = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(StorageNames.OperationsAuditTable).QueryAsync<TableEntity>(e => e.PartitionKey == first));
        Assert.Contains(audit, a => a.GetString("Action") == "release-claim" && a.GetString("Reason") == "card lost in the post; replacement approved");
    }

    [Fact]
    public async Task A_name_sent_decomposed_is_stored_composed_and_hashed_as_stored()
    {
        Applicant person = Samples.NextApplicant();
        string decomposed = "  " + person.FullName.Normalize(System.Text.NormalizationForm.FormD) + " ";
        Assert.NotEqual(person.FullName, decomposed.Trim());
        ApplicationUpload upload = Samples.RenewalBy(person, a => a with { FullName = decomposed });
        using HttpClient kiosk = host.SignedClient(kiosks[3]);
        string id = (await Api.SubmitAsync(kiosk, upload)).ApplicationId;

        BlobClient blob = azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer).GetBlobClient(DocumentStore.BlobNameFor(id, SubmissionParts.ApplicationDocument));
        byte[] stored = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        ApplicationSubmission form = JsonSerializer.Deserialize<ApplicationSubmission>(stored, JsonSerializerOptions.Web)!;
        Assert.Equal(person.FullName, form.Applicant!.FullName);
        Assert.True(form.Applicant.FullName!.IsNormalized(System.Text.NormalizationForm.FormC));
        Assert.Equal(CanonicalApplication.Bytes(form), stored);
        string recorded = (await blob.GetPropertiesAsync()).Value.Metadata["sha256"];
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), recorded);
    }

    [Fact]
    public async Task The_registry_never_marks_a_second_card_in_production_for_one_number()
    {
        var registry = new PersonalNumberRegistry(azurite.Tables, new Workflow.Registry.PopulationRegistry(azurite.Tables));
        PersonalNumber number = PersonalNumber.Parse(Samples.NextApplicant().PersonalNumber!);
        TableClient applications = azurite.Tables.GetTableClient(StorageNames.ApplicationsTable);
        string first = "registry-first-" + number.Value, second = "registry-second-" + number.Value;
        await applications.UpsertEntityAsync(new TableEntity(first, ApplicationRowKey.Of(first)) { ["Stage"] = nameof(ApplicationStage.Printing) });

        Assert.Null(await registry.StartProductionAsync(number, first, CancellationToken.None));
        Assert.Null(await registry.StartProductionAsync(number, first, CancellationToken.None));
        Assert.Equal(first, await registry.StartProductionAsync(number, second, CancellationToken.None));

        // The first card delivered: the next one may be made.
        await applications.UpsertEntityAsync(new TableEntity(first, ApplicationRowKey.Of(first)) { ["Stage"] = nameof(ApplicationStage.Delivered) });
        Assert.Null(await registry.StartProductionAsync(number, second, CancellationToken.None));
        Assert.False(await registry.EndProductionAsync(number, first, CancellationToken.None));
        Assert.True(await registry.EndProductionAsync(number, second, CancellationToken.None));
    }

    /// <summary>Submits a renewal by <paramref name="person"/>; the registry does not know them, so it waits for an officer.</summary>
    async Task<string> SubmitAwaitingApprovalAsync(HttpClient kiosk, Applicant person)
    {
        string id = (await Api.SubmitAsync(kiosk, RenewalOf(person))).ApplicationId;
        await host.WaitForAsync(id, s => s.WaitingFor.Contains(ApplicationEvents.ApprovalDecision));
        return id;
    }

    /// <summary>An officer cancels the application: the workflow is terminated and records nothing more.</summary>
    async Task TerminateAsync(HttpClient officer, string id)
    {
        using (HttpResponseMessage cancelled = await officer.PostAsJsonAsync(new Uri($"/api/v1/applications/{id}/actions/terminate", UriKind.Relative), new { reason = "citizen withdrew" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        }

        await host.WaitForAsync(id, s => s.RuntimeStatus == "Terminated");
    }

    async Task<string?> HolderAsync(Applicant person) =>
        await new CitizenClaims(azurite.Tables, new PersonalNumberRegistry(azurite.Tables, new Workflow.Registry.PopulationRegistry(azurite.Tables)), TimeProvider.System)
            .HolderAsync(CitizenKey.Of(person), CancellationToken.None);

    static string KeyRow(string key) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    async Task<List<string>> BlobsOfAsync(string id) =>
        [.. (await AsyncItems.AllAsync(azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer).GetBlobsAsync(
            Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"applications/{id}/", CancellationToken.None))).Select(b => b.Name)];
}
