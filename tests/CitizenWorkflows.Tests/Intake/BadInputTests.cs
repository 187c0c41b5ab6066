using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Intake;

/// <summary>
/// Every endpoint answers bad input with problem details, and nothing is left behind: no blob, no table row, no
/// orchestration. Nothing in this class ever submits a valid application, so storage must stay empty.
/// </summary>
public sealed class BadInputTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    const string TaskHub = "BadInputHub";
    const string UnknownId = "0123456789abcdef0123456789abcdef";
    LocalHostProcess host = null!;
    readonly Dictionary<BadSubmissionCorpus.Sender, Func<HttpClient>> senders = [];

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, TaskHub);
        Kiosk kiosk = await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079");
        Kiosk disabled = await LocalHostProcess.RegisterKioskAsync(azurite, "KIOSK-CLOSED-001", "079");
        await new KioskRegistry(azurite.Tables, TimeProvider.System).SetStatusAsync(disabled.Id, KioskStatus.Disabled, CancellationToken.None);
        Kiosk hanoi = await LocalHostProcess.RegisterKioskAsync(azurite, "KIOSK-HN-002", "001");
        senders[BadSubmissionCorpus.Sender.Kiosk] = () => host.SignedClient(kiosk);
        senders[BadSubmissionCorpus.Sender.Anonymous] = () => host.Client(null);
        senders[BadSubmissionCorpus.Sender.WrongSecret] = () => host.SignedClient(kiosk with { Secret = KioskSignature.NewSecret() });
        senders[BadSubmissionCorpus.Sender.SlowClock] = () => host.SignedClient(kiosk, new FakeClock(DateTimeOffset.UtcNow.AddMinutes(-10)));
        senders[BadSubmissionCorpus.Sender.DisabledKiosk] = () => host.SignedClient(disabled);
        senders[BadSubmissionCorpus.Sender.KioskOfAnotherProvince] = () => host.SignedClient(hanoi);
        senders[BadSubmissionCorpus.Sender.Utf8Headers] = () => host.SignedClient(kiosk, utf8Headers: true);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    static Uri Applications => new("/api/v1/applications", UriKind.Relative);

    static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public static TheoryData<BadSubmissionCorpus.BadRequest> Corpus => [.. BadSubmissionCorpus.All()];

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Each_bad_submission_gets_its_own_answer_and_stores_nothing(BadSubmissionCorpus.BadRequest bad)
    {
        ArgumentNullException.ThrowIfNull(bad);
        using HttpClient http = senders[bad.Sender]();
        using HttpRequestMessage request = bad.Build(host);
        using HttpResponseMessage response = await http.SendAsync(request);
        JsonElement problem = await Api.AssertProblemAsync(response, bad.Status, bad.Problem);
        if (bad.Rule is not null)
        {
            Assert.Contains(bad.Rule, Api.RulesFor(problem, bad.Field!));
        }

        await AssertNothingStoredAsync();
    }

    [Fact]
    public void The_corpus_has_at_least_forty_distinct_cases()
    {
        List<BadSubmissionCorpus.BadRequest> cases = [.. BadSubmissionCorpus.All()];
        Assert.True(cases.Count >= 40, $"{cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public async Task Status_of_an_unknown_or_malformed_id_is_404()
    {
        using HttpClient officer = host.Client(Roles.Operator);
        foreach (string id in new[] { UnknownId, "not-an-id", "../../etc" })
        {
            using HttpResponseMessage response = await officer.GetAsync(new Uri($"/api/v1/applications/{Uri.EscapeDataString(id)}", UriKind.Relative));
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, "not-found");
        }

        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Events_that_are_unknown_unauthorised_malformed_or_for_no_application_are_refused()
    {
        using HttpClient officer = host.Client(Roles.Operator);
        using HttpClient kiosk = host.Client(Roles.Kiosk);

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, "card-teleported", null))
        {
            JsonElement problem = await Api.AssertProblemAsync(r, HttpStatusCode.Conflict, "unknown-event");
            Assert.Contains(E.CardPrinted, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, E.ApprovalDecision, new { decision = "approve" }))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.NotFound, "not-found");
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(kiosk, UnknownId, E.ApprovalDecision, new { decision = "approve" }))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.Forbidden, "forbidden");
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, E.ApprovalDecision, new { decision = "maybe" }))
        {
            JsonElement errors = (await Api.AssertProblemAsync(r, HttpStatusCode.UnprocessableEntity, "validation")).GetProperty("errors");
            Assert.Equal("decision.allowed", errors.GetProperty("decision")[0].GetProperty("rule").GetString());
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, E.ApprovalDecision, new { decision = "reject" }))
        {
            JsonElement errors = (await Api.AssertProblemAsync(r, HttpStatusCode.UnprocessableEntity, "validation")).GetProperty("errors");
            Assert.Equal("reason.required-to-reject", errors.GetProperty("reason")[0].GetProperty("rule").GetString());
        }

        using (HttpResponseMessage r = await officer.PostAsync(
            new Uri($"/api/v1/applications/{UnknownId}/events/{E.ApprovalDecision}", UriKind.Relative),
            new StringContent("decision=approve", Encoding.UTF8, "application/x-www-form-urlencoded")))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, E.ApprovalDecision, new { decision = "approve", reason = new string('x', 20_000) }))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, E.ApprovalDecision, new { decision = "approve", signature = "x" }))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.BadRequest, "malformed-json");
        }

        await AssertNothingStoredAsync();
    }

    /// <summary>No document, no projection row, no personal number, no idempotency key, no citizen's claim, no workflow instance.</summary>
    async Task AssertNothingStoredAsync()
    {
        var documents = azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer);
        Assert.Empty(await AsyncItems.AllAsync(documents.GetBlobsAsync()));
        foreach (string table in new[] { StorageNames.ApplicationsTable, StorageNames.TimelineTable, StorageNames.PersonalNumbersTable, StorageNames.IdempotencyTable, CitizenClaims.TableName, TaskHub + "Instances" })
        {
            List<TableEntity> rows = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(table).QueryAsync<TableEntity>());
            Assert.True(rows.Count == 0, $"{table} has {rows.Count} rows");
        }
    }
}
