using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Approval;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Storage;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>The request-info loop in the approval stage on the in-memory backend: partial answers, the deadline.</summary>
public sealed class RequestInformationOrchestrationTests(InMemoryWorkflowFixture workflow) : IClassFixture<InMemoryWorkflowFixture>, IAsyncLifetime
{
    readonly Applicant applicant = Samples.NextApplicant();

    public Task InitializeAsync() => workflow.Service<PopulationRegistry>().UpsertAsync(Samples.CitizenFor(applicant));

    public Task DisposeAsync() => Task.CompletedTask;

    static ApprovalDecision Ask(params string[] parts) => new(ApprovalVerdict.RequestInformation, "blurred scans", "officer-7", parts);

    [Fact]
    public async Task The_workflow_waits_until_every_requested_part_came_then_the_officer_decides()
    {
        string id = await workflow.StartAsync(new WorkflowPolicy(), applicant);
        await workflow.RaiseWhenWaitingAsync(id, E.ApprovalDecision, Ask("portrait", "document-1"));
        ApplicationStatus waiting = await workflow.WaitUntilWaitingForAsync(id, E.InformationProvided);
        Assert.Equal(ApplicationStage.AwaitingInformation, waiting.Stage);

        await workflow.Client.RaiseEventAsync(id, E.InformationProvided, new ProvidedInformation(["portrait"], [], "KIOSK-1"));
        await WaitForDetailAsync(id, "received portrait; still waiting for document-1");
        await workflow.RaiseWhenWaitingAsync(id, E.InformationProvided, new ProvidedInformation(["document-1"], [], "KIOSK-1"));
        await workflow.RaiseWhenWaitingAsync(id, E.ApprovalDecision, new ApprovalDecision(ApprovalVerdict.Approve, "now legible", "officer-7"));

        ApplicationStatus printing = await workflow.WaitUntilWaitingForAsync(id, E.CardPrinted);
        Assert.Equal(ApplicationStage.Printing, printing.Stage);
        ApplicationView view = (await workflow.Service<ApplicationProjection>().GetAsync(id, default))!;
        Assert.Equal(
            ["waiting for portrait, document-1 from the kiosk: blurred scans", "received portrait; still waiting for document-1"],
            view.Timeline.Where(t => t.Stage == ApplicationStage.AwaitingInformation).Select(t => t.Detail ?? ""));
        Assert.Contains(view.Timeline, t => t.Stage == ApplicationStage.AwaitingApproval && t.Detail == "requested parts received; waiting for a decision by commune police");
    }

    [Fact]
    public async Task Parts_not_sent_before_the_deadline_fail_the_application()
    {
        string id = await workflow.StartAsync(new WorkflowPolicy { InformationDeadline = TimeSpan.FromSeconds(1) }, applicant);
        await workflow.RaiseWhenWaitingAsync(id, E.ApprovalDecision, Ask("portrait"));

        CardApplicationResult result = await workflow.CompletionAsync(id);
        Assert.Equal((ApplicationStage.Failed, "the kiosk did not send portrait before the deadline"), (result.Stage, result.Reason));
    }

    async Task WaitForDetailAsync(string id, string detail)
    {
        for (int i = 0; i < 400; i++)
        {
            ApplicationView? view = await workflow.Service<ApplicationProjection>().GetAsync(id, default);
            if (view?.Timeline.Any(t => t.Detail == detail) == true)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No timeline entry '{detail}' for {id}.");
    }
}
