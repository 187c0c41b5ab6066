using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Lifecycle;

/// <summary>End to end: the Local host process on Azurite, driven over HTTP by a kiosk, an officer, the print centre
/// and the courier.</summary>
public sealed class LocalHostLifecycleTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    LocalHostProcess host = null!;
    Kiosk kiosk = null!;

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, "LifecycleHub");
        kiosk = await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079");
        await new PopulationRegistry(azurite.Tables).UpsertAsync(Samples.CitizenFor(Samples.Hanh));
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    /// <summary>A renewal by a person of their own, whom the population registry knows (one citizen, one application in flight).</summary>
    async Task<ApplicationUpload> RegisteredRenewalAsync(Func<ApplicantFields, ApplicantFields>? change = null)
    {
        Applicant person = Samples.NextApplicant();
        await new PopulationRegistry(azurite.Tables).UpsertAsync(Samples.CitizenFor(person));
        return Samples.RenewalBy(person, change);
    }

    [Fact]
    public async Task A_submitted_application_is_approved_printed_shipped_and_delivered_over_HTTP()
    {
        using HttpClient signed = host.SignedClient(kiosk);
        using HttpClient officer = host.Client(Roles.Operator);
        using HttpClient printCentre = host.Client(Roles.PrintCentre);
        using HttpClient courier = host.Client(Roles.Courier);

        // Hạnh, whom the registry knows, is this class's only application for her: one citizen, one application in flight.
        SubmissionAccepted accepted = await Api.SubmitAsync(signed, Samples.Upload());
        string id = accepted.ApplicationId;

        ApplicationStatusResponse waiting = await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision));
        Assert.Equal(ApplicationStage.AwaitingApproval, waiting.Stage);
        Assert.Equal(accepted.DueAt, waiting.DueAt);
        Assert.False(waiting.Overdue);

        // A callback for a later stage is refused while the application waits for approval.
        using (HttpResponseMessage early = await Api.RaiseAsync(printCentre, id, E.CardPrinted, null))
        {
            JsonElement problem = await Api.AssertProblemAsync(early, HttpStatusCode.Conflict, "wrong-stage");
            // A partner reads what the workflow waits for from members, not from the detail text.
            Assert.Equal("AwaitingApproval", problem.GetProperty("stage").GetString());
            Assert.Equal("Running", problem.GetProperty("runtimeStatus").GetString());
            Assert.Equal([E.ApprovalDecision], problem.GetProperty("waitingFor").EnumerateArray().Select(e => e.GetString()));
        }

        (HttpClient Client, string Event, object Body)[] steps =
        [
            (officer, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" }),
            (printCentre, E.CardPrinted, new { reference = "PJ-1001" }),
            (courier, E.CardPickedUp, new { reference = "VN123456789" }),
            (courier, E.CardAtStation, new { }),
            (officer, E.CardCollected, new { recipient = "applicant in person" }),
        ];
        foreach ((HttpClient client, string eventName, object body) in steps)
        {
            await host.WaitForAsync(id, s => s.WaitingFor.Contains(eventName));
            using HttpResponseMessage response = await Api.RaiseAsync(client, id, eventName, body);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        ApplicationStatusResponse done = await host.WaitForAsync(id, s => s.Stage == ApplicationStage.Delivered && s.RuntimeStatus == "Completed");
        Assert.Equal(
            Samples.HappyPathTimeline,
            done.Timeline.Select(t => t.Stage));
        Assert.Equal("officer officer-hn-042", done.Timeline.Single(t => t.Stage == ApplicationStage.Approved).Cause);
        Assert.Equal("print-centre-north", done.Timeline.First(t => t.Stage == ApplicationStage.Printed).Cause);
        Assert.Empty(done.WaitingFor);

        // The portrait: stored once under a path with no personal data, with its hash and type.
        BlobProperties portrait = (await azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer)
            .GetBlobClient($"applications/{id}/portrait").GetPropertiesAsync()).Value;
        Assert.Equal("image/png", portrait.ContentType);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Samples.PortraitPng)), portrait.Metadata["sha256"]);

        // The card data the print centre prints from, with a QR payload that decodes to the applicant.
        BinaryData cardJson = (await azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer)
            .GetBlobClient($"applications/{id}/{PersonaliseCard.CardDocument}").DownloadContentAsync()).Value.Content;
        CardData card = cardJson.ToObjectFromJson<CardData>(JsonSerializerOptions.Web)!;
        CccdQrPayload qr = CccdQrPayload.Decode(card.QrPayload);
        Assert.Equal(("079194001234", "Trần Thị Hạnh", new DateOnly(1994, 8, 15), Sex.Female, "45 Nguyễn Trãi, Quận 1, Hồ Chí Minh"),
            (qr.PersonalNumber, qr.FullName, qr.DateOfBirth, qr.Sex, qr.Residence));
        Assert.False(card.NumberAllocated);
        Assert.Equal((card.PersonalNumber, (DateOnly?)new DateOnly(2034, 8, 15)), (card.CardNumber, card.ExpiryDate));

        // The QR image decodes to the same payload the card data holds.
        BinaryData qrPng = (await azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer)
            .GetBlobClient($"applications/{id}/{PersonaliseCard.QrDocument}").DownloadContentAsync()).Value.Content;
        Assert.Equal(card.QrPayload, CardQrCode.ReadText(qrPng.ToArray()));

        // The signed chip data verifies through the API, names the portrait as stored, and a changed byte does not verify.
        SignedChipData chip = (await azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer)
            .GetBlobClient($"applications/{id}/{PersonaliseCard.ChipDocument}").DownloadContentAsync()).Value.Content.ToObjectFromJson<SignedChipData>(JsonSerializerOptions.Web)!;
        using (HttpResponseMessage verified = await officer.PostAsJsonAsync(new Uri("/api/v1/cards/verify", UriKind.Relative), chip, JsonSerializerOptions.Web))
        {
            CardVerification verdict = (await verified.Content.ReadFromJsonAsync<CardVerification>(JsonSerializerOptions.Web))!;
            Assert.True(verdict.Valid, verdict.Reason);
            Assert.Equal(("079194001234", portrait.Metadata["sha256"]), (verdict.Data!.PersonalNumber, verdict.Data.PortraitSha256));
        }

        // The compact serialisation (what a reader takes off a chip) as application/jose verifies the same.
        using (var compact = new StringContent(chip.ToCompact(), System.Text.Encoding.ASCII, "application/jose"))
        using (HttpResponseMessage verified = await officer.PostAsync(new Uri("/api/v1/cards/verify", UriKind.Relative), compact))
        {
            CardVerification verdict = (await verified.Content.ReadFromJsonAsync<CardVerification>(JsonSerializerOptions.Web))!;
            Assert.True(verdict.Valid, verdict.Reason);
        }

        byte[] altered = System.Buffers.Text.Base64Url.DecodeFromChars(chip.Payload);
        altered[^2] ^= 0x01;
        using (HttpResponseMessage tampered = await officer.PostAsJsonAsync(
            new Uri("/api/v1/cards/verify", UriKind.Relative), chip with { Payload = System.Buffers.Text.Base64Url.EncodeToString(altered) }, JsonSerializerOptions.Web))
        {
            CardVerification verdict = (await tampered.Content.ReadFromJsonAsync<CardVerification>(JsonSerializerOptions.Web))!;
            Assert.Equal((false, nameof(ChipSignatureStatus.SignatureMismatch)), (verdict.Valid, verdict.Status));
            Assert.Null(verdict.Data);
        }

        using (HttpClient kioskKey = host.Client(Roles.Kiosk))
        using (HttpResponseMessage kioskVerifying = await kioskKey.PostAsJsonAsync(new Uri("/api/v1/cards/verify", UriKind.Relative), chip, JsonSerializerOptions.Web))
        {
            Assert.Equal(HttpStatusCode.Forbidden, kioskVerifying.StatusCode);
        }

        // The projection row the status endpoint reads.
        TableEntity row = (await azurite.Tables.GetTableClient(StorageNames.ApplicationsTable).GetEntityAsync<TableEntity>(id, ApplicationRowKey.Of(id))).Value;
        Assert.Equal("Delivered", row.GetString("Stage"));
        Assert.Equal("079", row.GetString("Province"));
        Assert.Equal(LocalHostProcess.KioskId, row.GetString("KioskId"));
        Assert.Equal(accepted.DueAt, row.GetDateTimeOffset("DueAt"));

        // Once delivered, the workflow waits for nothing: a late callback is refused.
        using HttpResponseMessage late = await Api.RaiseAsync(courier, id, E.CardDelivered, new { });
        JsonElement lateProblem = await Api.AssertProblemAsync(late, HttpStatusCode.Conflict, "wrong-stage");
        Assert.Equal("Delivered", lateProblem.GetProperty("stage").GetString());
        Assert.Empty(lateProblem.GetProperty("waitingFor").EnumerateArray());
    }

    [Fact]
    public async Task A_kiosk_sees_its_own_applications_and_no_one_else_s()
    {
        using HttpClient signed = host.SignedClient(kiosk);
        SubmissionAccepted accepted = await Api.SubmitAsync(signed, await RegisteredRenewalAsync());
        using HttpClient kioskReader = host.Client(Roles.Kiosk);
        using HttpResponseMessage own = await kioskReader.GetAsync(new Uri(accepted.StatusUrl, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);

        using HttpClient courier = host.Client(Roles.Courier);
        using HttpResponseMessage forbidden = await courier.GetAsync(new Uri(accepted.StatusUrl, UriKind.Relative));
        await Api.AssertProblemAsync(forbidden, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_served_OpenAPI_document_is_the_one_in_the_repository_and_covers_the_contract()
    {
        using HttpClient officer = host.Client(Roles.Operator);
        byte[] served = await officer.GetByteArrayAsync(new Uri("/api/v1/openapi.json", UriKind.Relative));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "docs", "openapi.json")), served);

        using JsonDocument document = JsonDocument.Parse(served);
        JsonElement paths = document.RootElement.GetProperty("paths");
        foreach (ApiRoute route in ApiRoutes.All)
        {
            JsonElement operation = paths.GetProperty($"/{ApiRoutes.Prefix}/{route.Route}").GetProperty(route.Method.ToLowerInvariant());
            Assert.Equal(route.Name, operation.GetProperty("operationId").GetString());
        }

        JsonElement parts = paths.GetProperty("/api/v1/applications").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties");
        string[] contract = [SubmissionParts.Application, SubmissionParts.Portrait, .. SubmissionParts.FingerprintParts, .. SubmissionParts.DocumentParts];
        Assert.Equal(contract.Order(StringComparer.Ordinal), parts.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        using HttpClient anonymous = host.Client(null);
        using HttpResponseMessage refused = await anonymous.GetAsync(new Uri("/api/v1/openapi.json", UriKind.Relative));
        await Api.AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("match", ApplicationStage.BiometricCheck, "population registry: match")]
    [InlineData("mismatch", ApplicationStage.ManualReview, "population registry: differs in FullName")]
    [InlineData("unknown", ApplicationStage.BiometricCheck, "population registry: no record; a new personal number will be allocated")]
    public async Task The_registry_check_over_HTTP_continues_reviews_or_allocates(string path, ApplicationStage stage, string detail)
    {
        ApplicationUpload upload = path switch
        {
            "match" => await RegisteredRenewalAsync(),
            // A family name Samples.NextApplicant never gives ("Trần Thị Hoa" was once one of its names: the registry matched).
            "mismatch" => await RegisteredRenewalAsync(a => a with { FullName = "Tôn Nữ Thị Hoa" }),
            _ => Samples.Upload(Samples.Form(a => a with { PersonalNumber = null, FullName = "Võ Thị Sáu" }, type: "new")),
        };
        using HttpClient signed = host.SignedClient(kiosk);
        string id = (await Api.SubmitAsync(signed, upload)).ApplicationId;

        ApplicationStatusResponse waiting = await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision));
        TimelineEntry registry = Assert.Single(waiting.Timeline, t => t.Cause == "population registry");
        Assert.Equal((stage, detail), (registry.Stage, registry.Detail));
    }
}
