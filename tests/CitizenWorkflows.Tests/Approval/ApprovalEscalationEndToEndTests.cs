using System.Net;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Approval;

/// <summary>
/// The approval deadline end to end on Azurite, shortened from working days to seconds by configuration: an undecided
/// application escalates a level, then fails; a decision after an escalation still counts.
/// </summary>
public sealed class ApprovalEscalationEndToEndTests(AzuriteFixture azurite) : EndToEndTest(azurite, "EscalationHub", new Dictionary<string, string>
{
    // Empty: no working-day deadline (appsettings has 2), so the plain duration below applies.
    ["Workflow:ApprovalWorkingDays"] = "",
    ["Workflow:ApprovalDeadline"] = "00:00:05",
    ["Workflow:ApprovalEscalations"] = "1",
})
{
    [Fact]
    public async Task An_undecided_application_escalates_to_the_district_and_then_fails()
    {
        SubmissionAccepted accepted = await Api.SubmitAsync(Kiosk, Samples.NewApplicant(Samples.NextApplicant().FullName, "1977-03-08", null));

        ApplicationStatusResponse done = await Host.WaitForAsync(accepted.ApplicationId, s => s.RuntimeStatus == "Completed");
        Assert.Equal(ApplicationStage.Failed, done.Stage);
        Assert.Equal(("deadline", "no decision before the deadline at any level up to district police"), (done.Timeline[^1].Cause, done.Timeline[^1].Detail));
        Assert.Equal(
            ["waiting for a decision by commune police", "escalated to district police"],
            done.Timeline.Where(t => t.Stage == ApplicationStage.AwaitingApproval).Select(t => t.Detail));
    }

    [Fact]
    public async Task A_district_officer_s_decision_after_the_escalation_counts()
    {
        string id = (await Api.SubmitAsync(Kiosk, Samples.NewApplicant(Samples.NextApplicant().FullName, "1983-10-20", null))).ApplicationId;
        await Host.WaitForAsync(id, s => s.Timeline.Any(t => t.Detail == "escalated to district police") && s.WaitingFor.Contains(E.ApprovalDecision));

        using HttpClient officer = Host.Client(Roles.Operator);
        using HttpResponseMessage decided = await Api.RaiseAsync(Officer, id, E.ApprovalDecision, new { decision = "approve", reason = "checked at district level" });
        Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        await Host.WaitForAsync(id, s => s.Stage is ApplicationStage.Personalised or ApplicationStage.Printing);
    }
}
