using System.Net;
using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Production;

/// <summary>
/// Approval to delivery end to end on Azurite, with the print centre and the courier played over HTTP: reprints,
/// re-deliveries, the attempt limit and an officer's rejection, each with what the citizen is told.
/// </summary>
public sealed class CardProductionEndToEndTests(AzuriteFixture azurite) : EndToEndTest(azurite, "ProductionHub", new Dictionary<string, string>
{
    ["Workflow:MaxPrintAttempts"] = "2",
    ["Notifications:PollInterval"] = "00:00:00.500",
})
{
    [Fact]
    public async Task A_print_failure_is_reprinted_and_a_failed_delivery_is_delivered_again()
    {
        string id = await ApprovedAsync(delivery: "address");
        await Host.AnswerAsync(id, PrintCentre, E.CardPrintFailed, new { reason = "ribbon jammed" });
        // Success and failure are awaited together: answer the reprint only once it was ordered, or the two race.
        await Host.WaitForAsync(id, s => s.Timeline.Any(t => t.Detail == "Print order 2 of 2 sent to print centre"));
        await Host.AnswerAsync(id, PrintCentre, E.CardPrinted, new { reference = "PJ-2" });
        await Host.AnswerAsync(id, Courier, E.CardPickedUp, new { reference = "VN1" });
        await Host.AnswerAsync(id, Courier, E.CardDeliveryFailed, new { reason = "nobody at home" });
        await Host.WaitForAsync(id, s => s.Timeline.Any(t => t.Detail == "Deliver order 2 of 3 sent to courier"));
        await Host.AnswerAsync(id, Courier, E.CardDelivered, new { recipient = "applicant in person" });

        ApplicationStatusResponse done = await Host.WaitForAsync(id, s => s.RuntimeStatus == "Completed");
        Assert.Equal(ApplicationStage.Delivered, done.Stage);
        string[] details = [.. done.Timeline.Select(t => t.Detail ?? "")];
        Assert.Contains("print centre reported Print order 1 failed: ribbon jammed", details);
        Assert.Contains("Print order 2 of 2 sent to print centre", details);
        Assert.Contains("courier reported Deliver order 1 failed: nobody at home", details);
        Assert.Contains("Deliver order 2 of 3 sent to courier", details);
        await CitizenNotices.AssertToldAsync(Azurite, id, NotificationKind.Approved, NotificationKind.CardReady, NotificationKind.Delivered);
    }

    [Fact]
    public async Task A_card_that_fails_printing_past_the_limit_ends_in_Failed_with_the_reason()
    {
        string id = await ApprovedAsync();
        await Host.AnswerAsync(id, PrintCentre, E.CardPrintFailed, new { reason = "chip not writable" });
        await Host.WaitForAsync(id, s => s.Timeline.Any(t => t.Detail == "Print order 2 of 2 sent to print centre"));
        await Host.AnswerAsync(id, PrintCentre, E.CardPrintFailed, new { reason = "chip not writable" });

        ApplicationStatusResponse done = await Host.WaitForAsync(id, s => s.RuntimeStatus == "Completed");
        Assert.Equal(ApplicationStage.Failed, done.Stage);
        Assert.Equal("Print failed after 2 attempts; last: print centre reported Print order 2 failed: chip not writable", done.Timeline[^1].Detail);
        await CitizenNotices.AssertToldAsync(Azurite, id, NotificationKind.Approved);
    }

    [Fact]
    public async Task An_officer_rejection_ends_the_application_and_the_citizen_is_told_why()
    {
        string id = (await Api.SubmitAsync(Kiosk, Samples.NewApplicant("Phan Thị Mỹ", "1999-12-24", null))).ApplicationId;
        await Host.AnswerAsync(id, Officer, E.ApprovalDecision, new { decision = "reject", reason = "the birth certificate is illegible" });

        ApplicationStatusResponse done = await Host.WaitForAsync(id, s => s.RuntimeStatus == "Completed");
        Assert.Equal((ApplicationStage.Rejected, "officer officer-hn-042"), (done.Stage, done.Timeline[^1].Cause));
        TableEntity told = await CitizenNotices.AssertToldAsync(Azurite, id, NotificationKind.Rejected);
        Assert.EndsWith("không được chấp thuận: the birth certificate is illegible", told.GetString("Text"), StringComparison.Ordinal);
    }

    async Task<string> ApprovedAsync(string? delivery = null)
    {
        // A person of their own: no test's applicant may look like a duplicate of another's.
        string id = (await Api.SubmitAsync(Kiosk, Samples.NewApplicant(Samples.NextApplicant().FullName, "1988-06-01", null, delivery: delivery))).ApplicationId;
        await Host.AnswerAsync(id, Officer, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" });
        return id;
    }

}
