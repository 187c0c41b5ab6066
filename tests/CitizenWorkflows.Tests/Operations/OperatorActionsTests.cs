using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>
/// Operator actions end to end on Azurite over HTTP: each action accepted, refused for the wrong role, area or stage,
/// and written to the audit table; a failed application re-driven to Delivered; suspend/resume; terminate.
/// </summary>
public sealed class OperatorActionsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    static readonly string[] PortraitOnly = ["portrait"];
    static readonly string[] NotAFilePart = ["application"];

    LocalHostProcess host = null!;
    HttpClient kiosk = null!;
    HttpClient communeKiosk = null!;
    HttpClient printCentre = null!;
    HttpClient courier = null!;
    HttpClient national = null!;

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, "OperatorActionsHub", new Dictionary<string, string>
        {
            ["Workflow:MaxPrintAttempts"] = "1",
        });
        kiosk = host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079"));
        communeKiosk = host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, "KIOSK-HCM-BEN-NGHE", "079", commune: LocalHostProcess.BenNgheCommune));
        printCentre = host.Client(Roles.PrintCentre);
        courier = host.Client(Roles.Courier);
        national = host.Client(Roles.Operator);
    }

    public async Task DisposeAsync()
    {
        foreach (HttpClient client in new[] { kiosk, communeKiosk, printCentre, courier, national })
        {
            client.Dispose();
        }

        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_commune_officer_approves_in_their_commune_and_every_refusal_is_named_and_audited()
    {
        string id = await SubmitAsync(communeKiosk);
        await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision), Patience);
        using HttpClient commune = host.OfficerClient(LocalHostProcess.CommuneOfficer);
        using HttpClient otherCommune = host.OfficerClient(LocalHostProcess.OtherCommuneOfficer);
        using HttpClient otherProvince = host.OfficerClient(LocalHostProcess.OtherProvinceOfficer);

        await Api.AssertProblemAsync(await ActAsync(printCentre, id, "approve", new { reason = "ok" }), HttpStatusCode.Forbidden, "forbidden");
        await Api.AssertProblemAsync(await ActAsync(otherProvince, id, "approve", new { reason = "ok" }), HttpStatusCode.Forbidden, "area-not-allowed");
        await Api.AssertProblemAsync(await ActAsync(otherCommune, id, "approve", new { reason = "ok" }), HttpStatusCode.Forbidden, "area-not-allowed");
        JsonElement missing = await Api.AssertProblemAsync(await ActAsync(commune, id, "reject", new { }), HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Contains("reason.required", Api.RulesFor(missing, "reason"));
        JsonElement wrongStage = await Api.AssertProblemAsync(await ActAsync(commune, id, "resume", new { }), HttpStatusCode.Conflict, "wrong-stage");
        Assert.Contains("is AwaitingApproval", wrongStage.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("needs a suspended application", wrongStage.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Api.AssertProblemAsync(await ActAsync(commune, id, "redrive", new { reason = "try again" }), HttpStatusCode.Conflict, "wrong-stage");
        await Api.AssertProblemAsync(await ActAsync(commune, id, "promote", new { reason = "x" }), HttpStatusCode.NotFound, "unknown-action");
        await Api.AssertProblemAsync(await ActAsync(commune, Guid.NewGuid().ToString("N"), "approve", new { }), HttpStatusCode.NotFound, "not-found");

        using HttpResponseMessage approved = await ActAsync(commune, id, "approve", new { reason = "documents in order" });
        JsonElement accepted = await AcceptedAsync(approved);
        Assert.Equal(("approve", "AwaitingApproval"), (accepted.GetProperty("action").GetString(), accepted.GetProperty("stageBefore").GetString()));
        ApplicationStatusResponse printing = await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.CardPrinted), Patience);
        Assert.Contains(printing.Timeline, t => t.Stage == ApplicationStage.Approved && t.Cause == "officer officer-hcm-ben-nghe" && t.Detail == "documents in order");
        JsonElement late = await Api.AssertProblemAsync(await ActAsync(commune, id, "approve", new { }), HttpStatusCode.Conflict, "wrong-stage");
        Assert.Contains("is Printing", late.GetProperty("detail").GetString(), StringComparison.Ordinal);

        JsonElement[] audit = await AuditAsync(id);
        JsonElement approval = Assert.Single(audit, a => a.GetProperty("outcome").GetString() == "accepted");
        Assert.Equal(
            ("officer-hcm-ben-nghe", LocalHostProcess.NameOf("officer-hcm-ben-nghe"), "approve", "documents in order", "AwaitingApproval", "Approved"),
            (approval.GetProperty("actor").GetString(), approval.GetProperty("actorName").GetString(), approval.GetProperty("action").GetString(), approval.GetProperty("reason").GetString(),
             approval.GetProperty("stageBefore").GetString(), approval.GetProperty("stageAfter").GetString()));
        Assert.Equal(accepted.GetProperty("auditId").GetString(), approval.GetProperty("auditId").GetString());
        string[] refusals = [.. audit.Where(a => a.GetProperty("outcome").GetString() == "refused").Select(a => a.GetProperty("detail").GetString() ?? "")];
        Assert.Equal(["403 area-not-allowed", "403 area-not-allowed", "409 wrong-stage", "409 wrong-stage", "409 wrong-stage"], refusals);
    }

    [Fact]
    public async Task A_province_officer_rejects_anywhere_in_the_province_while_a_commune_officer_may_not_act_outside_a_known_commune()
    {
        string id = await SubmitAsync(kiosk);
        await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision), Patience);
        using HttpClient commune = host.OfficerClient(LocalHostProcess.CommuneOfficer);
        using HttpClient province = host.OfficerClient(LocalHostProcess.ProvinceOfficer);

        await Api.AssertProblemAsync(await ActAsync(commune, id, "reject", new { reason = "blurred" }), HttpStatusCode.Forbidden, "area-not-allowed");
        await AcceptedAsync(await ActAsync(province, id, "reject", new { reason = "the birth certificate is illegible" }));

        ApplicationStatusResponse done = await host.WaitForAsync(id, s => s.RuntimeStatus == "Completed", Patience);
        Assert.Equal((ApplicationStage.Rejected, "officer officer-hcm-province"), (done.Stage, done.Timeline[^1].Cause));
    }

    [Fact]
    public async Task A_suspended_application_takes_no_callback_and_finishes_once_resumed()
    {
        string id = await ApprovedAsync();
        await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.CardPrinted), Patience);
        using HttpClient province = host.OfficerClient(LocalHostProcess.ProvinceOfficer);

        JsonElement suspended = await AcceptedAsync(await ActAsync(province, id, "suspend", new { reason = "identity under investigation" }));
        Assert.Equal(("Printing", "Suspended"), (suspended.GetProperty("stageBefore").GetString(), suspended.GetProperty("stageAfter").GetString()));
        ApplicationStatusResponse paused = await host.WaitForAsync(id, s => s.RuntimeStatus == "Suspended", Patience);
        Assert.Equal(ApplicationStage.Suspended, paused.Stage);
        using (HttpResponseMessage callback = await Api.RaiseAsync(printCentre, id, E.CardPrinted, new { reference = "PJ-1" }))
        {
            await Api.AssertProblemAsync(callback, HttpStatusCode.Conflict, "wrong-stage");
        }

        await Api.AssertProblemAsync(await ActAsync(province, id, "suspend", new { reason = "again" }), HttpStatusCode.Conflict, "wrong-stage");
        JsonElement resumed = await AcceptedAsync(await ActAsync(province, id, "resume", new { reason = "cleared" }));
        Assert.Equal(("Suspended", "Printing"), (resumed.GetProperty("stageBefore").GetString(), resumed.GetProperty("stageAfter").GetString()));
        await host.WaitForAsync(id, s => s.RuntimeStatus == "Running" && s.Stage == ApplicationStage.Printing, Patience);

        await DeliverAsync(id, printedAlready: false);
        ApplicationStatusResponse done = await host.WaitForAsync(id, s => s.RuntimeStatus == "Completed", Patience);
        Assert.Equal(ApplicationStage.Delivered, done.Stage);
        Assert.Equal(["suspend", "resume"], (await AuditAsync(id)).Where(a => a.GetProperty("outcome").GetString() == "accepted" && a.GetProperty("action").GetString() != "approve").Select(a => a.GetProperty("action").GetString() ?? ""));
    }

    [Fact]
    public async Task A_terminated_application_ends_Cancelled_with_the_reason()
    {
        string id = await SubmitAsync(kiosk);
        await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision), Patience);
        using HttpClient province = host.OfficerClient(LocalHostProcess.ProvinceOfficer);

        JsonElement missing = await Api.AssertProblemAsync(await ActAsync(province, id, "terminate", new { reason = " " }), HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Contains("reason.required", Api.RulesFor(missing, "reason"));
        await AcceptedAsync(await ActAsync(province, id, "terminate", new { reason = "applicant withdrew the application" }));

        ApplicationStatusResponse done = await host.WaitForAsync(id, s => s.RuntimeStatus == "Terminated" && s.Stage == ApplicationStage.Cancelled, Patience);
        Assert.Equal(("officer officer-hcm-province", "applicant withdrew the application"), (done.Timeline[^1].Cause, done.Timeline[^1].Detail));
        Assert.Empty(done.WaitingFor);
        await Api.AssertProblemAsync(await ActAsync(province, id, "terminate", new { reason = "again" }), HttpStatusCode.Conflict, "wrong-stage");
        JsonElement terminate = Assert.Single(await AuditAsync(id), a => a.GetProperty("outcome").GetString() == "accepted");
        Assert.Equal(("AwaitingApproval", "Cancelled"), (terminate.GetProperty("stageBefore").GetString(), terminate.GetProperty("stageAfter").GetString()));
    }

    [Fact]
    public async Task A_failed_application_is_re_driven_after_its_approval_and_ends_Delivered()
    {
        string id = await ApprovedAsync();
        await host.AnswerAsync(id, printCentre, E.CardPrintFailed, new { reason = "chip not writable" }, Patience);
        ApplicationStatusResponse failed = await host.WaitForAsync(id, s => s.RuntimeStatus == "Completed", Patience);
        Assert.Equal(ApplicationStage.Failed, failed.Stage);
        using HttpClient province = host.OfficerClient(LocalHostProcess.ProvinceOfficer);

        await Api.AssertProblemAsync(await ActAsync(province, id, "redrive", new { }), HttpStatusCode.UnprocessableEntity, "validation");
        JsonElement redriven = await AcceptedAsync(await ActAsync(province, id, "redrive", new { reason = "print centre replaced the chip encoder" }));
        Assert.Equal(("Failed", "Personalised"), (redriven.GetProperty("stageBefore").GetString(), redriven.GetProperty("stageAfter").GetString()));
        Assert.Equal("redrive-1", redriven.GetProperty("auditId").GetString());

        // The approval is kept, and the reprint is a new order (order 2), never the failed one again.
        ApplicationStatusResponse reprinting = await host.WaitForAsync(id, s => s.Timeline.Any(t => t.Detail == "Print order 2 of 2 sent to print centre"), Patience);
        Assert.Contains(reprinting.Timeline, t => t.Detail == "re-drive 1: resumed after the approval by officer officer-hn-042");
        Assert.DoesNotContain(reprinting.Timeline, t => t.Stage == ApplicationStage.AwaitingApproval && t.Sequence > failed.Timeline[^1].Sequence);
        Assert.Equal(reprinting.Timeline.Count, reprinting.Timeline.Select(t => t.Sequence).Distinct().Count());
        await DeliverAsync(id, printedAlready: false);

        ApplicationStatusResponse done = await host.WaitForAsync(id, s => s.RuntimeStatus == "Completed" && s.Stage == ApplicationStage.Delivered, Patience);
        Assert.Contains(done.Timeline, t => t.Detail == "print centre reported Print order 1 failed: chip not writable");
        JsonElement audit = Assert.Single(await AuditAsync(id), a => a.GetProperty("action").GetString() == "redrive" && a.GetProperty("outcome").GetString() == "accepted");
        Assert.Equal(("officer-hcm-province", "print centre replaced the chip encoder"), (audit.GetProperty("actor").GetString(), audit.GetProperty("reason").GetString()));
        await Api.AssertProblemAsync(await ActAsync(province, id, "redrive", new { reason = "again" }), HttpStatusCode.Conflict, "wrong-stage");
    }

    [Fact]
    public async Task A_suspended_application_can_be_terminated()
    {
        string id = await SubmitAsync(kiosk);
        await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision), Patience);
        using HttpClient province = host.OfficerClient(LocalHostProcess.ProvinceOfficer);
        await AcceptedAsync(await ActAsync(province, id, "suspend", new { reason = "identity under investigation" }));
        await host.WaitForAsync(id, s => s.RuntimeStatus == "Suspended", Patience);

        JsonElement terminated = await AcceptedAsync(await ActAsync(province, id, "terminate", new { reason = "forged documents" }));
        Assert.Equal("Suspended", terminated.GetProperty("stageBefore").GetString());
        ApplicationStatusResponse done = await host.WaitForAsync(id, s => s.RuntimeStatus == "Terminated" && s.Stage == ApplicationStage.Cancelled, Patience);
        Assert.Equal("forged documents", done.Timeline[^1].Detail);
    }

    [Fact]
    public async Task Re_drives_stop_after_three_and_each_sends_a_new_print_order()
    {
        string id = await ApprovedAsync();
        using HttpClient province = host.OfficerClient(LocalHostProcess.ProvinceOfficer);
        for (int order = 1; order <= 4; order++)
        {
            await host.WaitForAsync(id, s => s.Timeline.Any(t => t.Detail == $"Print order {order} of {order} sent to print centre"), Patience);
            await host.AnswerAsync(id, printCentre, E.CardPrintFailed, new { reason = $"chip not writable ({order})" }, Patience);
            await host.WaitForAsync(id, s => s.RuntimeStatus == "Completed" && s.Stage == ApplicationStage.Failed && s.Timeline[^1].Detail!.Contains($"({order})", StringComparison.Ordinal), Patience);
            if (order < 4)
            {
                JsonElement redriven = await AcceptedAsync(await ActAsync(province, id, "redrive", new { reason = "retry the print" }));
                Assert.Equal($"redrive-{order}", redriven.GetProperty("auditId").GetString());
            }
        }

        JsonElement limit = await Api.AssertProblemAsync(await ActAsync(province, id, "redrive", new { reason = "once more" }), HttpStatusCode.Conflict, "redrive-limit");
        Assert.Contains("re-driven 3 times", limit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_officer_asks_for_a_new_portrait_the_kiosk_sends_it_and_the_officer_then_approves()
    {
        string id = await SubmitAsync(kiosk);
        await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision), Patience);
        using HttpClient province = host.OfficerClient(LocalHostProcess.ProvinceOfficer);

        JsonElement noParts = await Api.AssertProblemAsync(await ActAsync(province, id, "request-info", new { reason = "portrait is blurred" }), HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Contains("parts.required", Api.RulesFor(noParts, "parts"));
        JsonElement badPart = await Api.AssertProblemAsync(
            await ActAsync(province, id, "request-info", new { reason = "portrait is blurred", parts = NotAFilePart }), HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Contains("parts.known", Api.RulesFor(badPart, "parts[0]"));
        using (HttpResponseMessage early = await kiosk.PostAsync(new Uri($"/api/v1/applications/{id}/parts", UriKind.Relative), PortraitPart()))
        {
            await Api.AssertProblemAsync(early, HttpStatusCode.Conflict, "wrong-stage");
        }

        JsonElement requested = await AcceptedAsync(await ActAsync(province, id, "request-info", new { reason = "portrait is blurred", parts = PortraitOnly }));
        Assert.Equal("AwaitingInformation", requested.GetProperty("stageAfter").GetString());
        ApplicationStatusResponse waiting = await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.InformationProvided), Patience);
        Assert.Equal(ApplicationStage.AwaitingInformation, waiting.Stage);
        Assert.Equal("waiting for portrait from the kiosk: portrait is blurred", waiting.Timeline[^1].Detail);
        await Api.AssertProblemAsync(await ActAsync(province, id, "approve", new { }), HttpStatusCode.Conflict, "wrong-stage");

        using (HttpResponseMessage sent = await kiosk.PostAsync(new Uri($"/api/v1/applications/{id}/parts", UriKind.Relative), PortraitPart()))
        {
            string body = await sent.Content.ReadAsStringAsync();
            Assert.True(sent.StatusCode == HttpStatusCode.Accepted, $"{(int)sent.StatusCode}: {body}");
        }

        ApplicationStatusResponse back = await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision), Patience);
        Assert.Equal(ApplicationStage.AwaitingApproval, back.Stage);
        Assert.StartsWith("requested parts received", back.Timeline[^1].Detail, StringComparison.Ordinal);
        await AcceptedAsync(await ActAsync(province, id, "approve", new { reason = "new portrait is sharp" }));
        await host.WaitForAsync(id, s => s.WaitingFor.Contains(E.CardPrinted), Patience);
        Assert.Equal(
            ["request-info", "provide-information", "approve"],
            (await AuditAsync(id)).Where(a => a.GetProperty("outcome").GetString() == "accepted").Select(a => a.GetProperty("action").GetString() ?? ""));
    }

    static MultipartFormDataContent PortraitPart()
    {
        var content = new MultipartFormDataContent();
        var portrait = new ByteArrayContent(Samples.PortraitPng);
        portrait.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        content.Add(portrait, "portrait", "portrait.png");
        return content;
    }

    static async Task<string> SubmitAsync(HttpClient from) =>
        // A person of their own: no test's applicant may look like a duplicate of another's.
        (await Api.SubmitAsync(from, Samples.NewApplicant(Samples.NextApplicant().FullName, "1988-06-01", null))).ApplicationId;

    async Task<string> ApprovedAsync()
    {
        string id = await SubmitAsync(kiosk);
        await host.AnswerAsync(id, national, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" }, Patience);
        return id;
    }

    async Task DeliverAsync(string id, bool printedAlready)
    {
        if (!printedAlready)
        {
            await host.AnswerAsync(id, printCentre, E.CardPrinted, new { reference = "PJ-9" }, Patience);
        }

        await host.AnswerAsync(id, courier, E.CardPickedUp, new { reference = "VN9" }, Patience);
        await host.AnswerAsync(id, courier, E.CardAtStation, new { }, Patience);
        await host.AnswerAsync(id, national, E.CardCollected, new { recipient = "applicant in person" }, Patience);
    }

    static Task<HttpResponseMessage> ActAsync(HttpClient officer, string id, string action, object body) =>
        officer.PostAsJsonAsync(new Uri($"/api/v1/applications/{id}/actions/{action}", UriKind.Relative), body);

    static async Task<JsonElement> AcceptedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
            return JsonSerializer.Deserialize<JsonElement>(body);
        }
    }

    async Task<JsonElement[]> AuditAsync(string id)
    {
        using HttpClient officer = host.OfficerClient(LocalHostProcess.ProvinceOfficer);
        JsonElement list = await officer.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/applications/{id}/audit", UriKind.Relative));
        return [.. list.GetProperty("items").EnumerateArray()];
    }
}
