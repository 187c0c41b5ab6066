using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Approval;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Storage;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Lifecycle;

/// <summary>The lifecycle orchestration on the in-memory backend: every decision, deadline and failure path.</summary>
public class CardApplicationOrchestrationTests(InMemoryWorkflowFixture workflow) : IClassFixture<InMemoryWorkflowFixture>, IAsyncLifetime
{
    // Hạnh is in the population registry, so her applications are clean unless a test says otherwise.
    public Task InitializeAsync() => workflow.Service<PopulationRegistry>().UpsertAsync(Samples.CitizenFor(Hanh));

    public Task DisposeAsync() => Task.CompletedTask;

    // A person of its own per test: the class shares one store, and namesakes with other numbers are possible duplicates.
    readonly Applicant Hanh = Samples.NextApplicant();
    static readonly WorkflowPolicy Default = new();
    static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    static readonly PartnerCallback Ok = new("REF-1", null, null, "partner-test");
    static readonly PartnerCallback Broken = new(null, "ribbon jammed", null, "partner-test");

    static ApprovalDecision Approve => new(ApprovalVerdict.Approve, "documents in order", "officer-7");

    [Fact]
    public async Task An_approved_card_is_printed_shipped_and_delivered()
    {
        string id = await workflow.StartAsync(Default, Hanh);
        await workflow.RaiseWhenWaitingAsync(id, E.ApprovalDecision, Approve);
        await workflow.RaiseWhenWaitingAsync(id, E.CardPrinted, Ok);
        await workflow.RaiseWhenWaitingAsync(id, E.CardPickedUp, Ok);
        await workflow.RaiseWhenWaitingAsync(id, E.CardAtStation, Ok);
        await workflow.RaiseWhenWaitingAsync(id, E.CardCollected, Ok with { Recipient = "applicant" });

        CardApplicationResult result = await workflow.CompletionAsync(id);
        Assert.Equal(ApplicationStage.Delivered, result.Stage);
        Assert.Equal(Hanh.PersonalNumber, result.PersonalNumber);

        ApplicationView view = await workflow.ProjectedAsync(id);
        Assert.Equal(ApplicationStage.Delivered, view.Stage);
        Assert.Equal(
            Samples.HappyPathTimeline,
            view.Timeline.Select(t => t.Stage));
        Assert.Contains(view.Timeline, t => t.Stage == ApplicationStage.Approved && t.Cause == "officer officer-7");
        Assert.Equal(Enumerable.Range(1, view.Timeline.Count), view.Timeline.Select(t => t.Sequence));
    }

    [Fact]
    public async Task An_officer_rejection_ends_the_workflow_with_the_reason()
    {
        string id = await workflow.StartAsync(Default, Hanh);
        await workflow.RaiseWhenWaitingAsync(id, E.ApprovalDecision, new ApprovalDecision(ApprovalVerdict.Reject, "photo does not match", "officer-9"));

        CardApplicationResult result = await workflow.CompletionAsync(id);
        Assert.Equal(ApplicationStage.Rejected, result.Stage);
        Assert.Equal("photo does not match", result.Reason);
        ApplicationView view = await workflow.ProjectedAsync(id);
        Assert.Equal("officer officer-9", view.Timeline[^1].Cause);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_rejection_is_projected_and_the_citizen_told_on_every_version_this_build_runs(int version)
    {
        string id = await workflow.StartAsync(Default, Hanh, workflowVersion: version);
        await workflow.RaiseWhenWaitingAsync(id, E.ApprovalDecision, new ApprovalDecision(ApprovalVerdict.Reject, "photo does not match", "officer-9"));

        // Version 1 writes the final entries in an activity of their own, version 2 with the claim release.
        Assert.Equal(ApplicationStage.Rejected, (await workflow.CompletionAsync(id)).Stage);
        ApplicationView view = await workflow.ProjectedAsync(id);
        Assert.Equal(ApplicationStage.Rejected, view.Stage);
        Assert.Equal(Enumerable.Range(1, view.Timeline.Count), view.Timeline.Select(t => t.Sequence));
        TableClient outbox = workflow.Azurite.Tables.GetTableClient(Workflow.Notifications.NotificationOutbox.TableName);
        Assert.True((await outbox.GetEntityIfExistsAsync<TableEntity>(id, ApplicationRowKey.Of(id, nameof(Workflow.Notifications.NotificationKind.Rejected)))).HasValue);
    }

    [Fact]
    public async Task An_instance_of_a_version_this_build_does_not_run_fails_before_any_step()
    {
        int newer = CardApplicationOrchestration.LatestVersion + 1;
        string id = await workflow.StartAsync(Default, Hanh, workflowVersion: newer);

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Microsoft.DurableTask.Client.OrchestrationMetadata ended = await workflow.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, patience.Token);
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Failed, ended.RuntimeStatus);
        Assert.Contains($"workflow version {newer}", ended.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await workflow.Service<ApplicationProjection>().GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Auto_approval_needs_no_officer()
    {
        string id = await workflow.StartAsync(Default with { AutoApprove = true }, Hanh);
        ApplicationStatus status = await workflow.WaitUntilWaitingForAsync(id, E.CardPrinted);
        Assert.Equal(ApplicationStage.Printing, status.Stage);
        ApplicationView view = await workflow.ProjectedAsync(id);
        Assert.Contains(view.Timeline, t => t.Stage == ApplicationStage.Approved && t.Cause == "rule");
        Assert.DoesNotContain(view.Timeline, t => t.Stage == ApplicationStage.AwaitingApproval);
    }

    [Fact]
    public async Task An_undecided_application_escalates_and_fails_after_the_last_level()
    {
        string id = await workflow.StartAsync(Default with { ApprovalDeadline = Short, ApprovalEscalations = 2 }, Hanh);

        CardApplicationResult result = await workflow.CompletionAsync(id);
        Assert.Equal(ApplicationStage.Failed, result.Stage);
        Assert.Contains("no decision before the deadline", result.Reason, StringComparison.Ordinal);
        ApplicationView view = await workflow.ProjectedAsync(id);
        Assert.Equal(
            ["waiting for a decision by commune police", "escalated to district police", "escalated to province police"],
            view.Timeline.Where(t => t.Stage == ApplicationStage.AwaitingApproval).Select(t => t.Detail));
    }

    [Fact]
    public async Task An_unadjudicated_possible_duplicate_escalates_and_fails_after_the_last_level()
    {
        // The same name, birthday and birth province applied before without a number: a possible duplicate identity.
        string earlier = await workflow.StartAsync(Default, Hanh with { PersonalNumber = null });
        await workflow.WaitUntilWaitingForAsync(earlier, E.ApprovalDecision);
        string id = await workflow.StartAsync(Default with { AdjudicationDeadline = Short, AdjudicationEscalations = 2 }, Hanh);

        CardApplicationResult result = await workflow.CompletionAsync(id);
        Assert.Equal(ApplicationStage.Failed, result.Stage);
        Assert.Equal("possible duplicate not adjudicated: no decision before the deadline at any level up to province police", result.Reason);
        ApplicationView view = await workflow.ProjectedAsync(id);
        string[] review = [.. view.Timeline.Where(t => t.Stage == ApplicationStage.ManualReview).Select(t => t.Detail!)];
        Assert.Equal(3, review.Length);
        Assert.EndsWith($"possible duplicate identity: application {earlier} (same name, date of birth and birth province); waiting for adjudication by commune police", review[0], StringComparison.Ordinal);
        Assert.Equal(["escalated to district police", "escalated to province police"], review[1..]);
    }

    [Fact]
    public async Task A_decision_after_an_escalation_still_counts()
    {
        string id = await workflow.StartAsync(Default with { ApprovalDeadline = TimeSpan.FromSeconds(2), ApprovalEscalations = 2, MaxPrintAttempts = 1, PrintDeadline = Short }, Hanh);
        await WaitForDetailAsync(id, "escalated to district police");
        await workflow.Client.RaiseEventAsync(id, E.ApprovalDecision, Approve);
        await workflow.WaitUntilWaitingForAsync(id, E.CardPrinted);
    }

    public static TheoryData<string, string, string> Handoffs => new()
    {
        { "print", E.CardPrintFailed, E.CardPrinted },
        { "shipping", E.CardShippingFailed, E.CardPickedUp },
        { "delivery", E.CardDeliveryFailed, E.CardAtStation },
    };

    [Theory]
    [MemberData(nameof(Handoffs))]
    public async Task A_failure_callback_leads_to_a_retry_that_can_succeed(string step, string failureEvent, string successEvent)
    {
        string id = await workflow.StartAsync(Default, Hanh);
        await DriveUpToAsync(id, successEvent);
        await workflow.RaiseWhenWaitingAsync(id, failureEvent, Broken);
        await DriveFromAsync(id, successEvent);

        Assert.Equal(ApplicationStage.Delivered, (await workflow.CompletionAsync(id)).Stage);
        ApplicationView view = await workflow.ProjectedAsync(id);
        string timeline = string.Join("\n", view.Timeline.Select(t => $"{t.Sequence} {t.Stage} {t.Cause}: {t.Detail}"));
        Assert.True(view.Timeline.Any(t => t.Detail?.Contains("failed: ribbon jammed", StringComparison.Ordinal) == true), timeline);
        Assert.Contains(view.Timeline, t => t.Detail?.Contains("order 2 of 3", StringComparison.Ordinal) == true);
        Assert.NotEmpty(step);
    }

    [Theory]
    [MemberData(nameof(Handoffs))]
    public async Task Failures_past_the_attempt_limit_end_in_Failed_with_the_reason(string step, string failureEvent, string successEvent)
    {
        var policy = Default with { MaxPrintAttempts = 2, MaxShippingAttempts = 2, MaxDeliveryAttempts = 2 };
        string id = await workflow.StartAsync(policy, Hanh);
        await DriveUpToAsync(id, successEvent);
        await workflow.RaiseWhenWaitingAsync(id, failureEvent, Broken);
        await workflow.RaiseWhenWaitingAsync(id, failureEvent, Broken);

        CardApplicationResult result = await workflow.CompletionAsync(id);
        Assert.Equal(ApplicationStage.Failed, result.Stage);
        Assert.Contains("after 2 attempts", result.Reason, StringComparison.Ordinal);
        Assert.Contains("ribbon jammed", result.Reason, StringComparison.Ordinal);
        Assert.NotEmpty(step);
    }

    [Theory]
    [MemberData(nameof(Handoffs))]
    public async Task A_partner_that_never_answers_runs_into_the_deadline(string step, string failureEvent, string successEvent)
    {
        var policy = Default with
        {
            PrintDeadline = step == "print" ? Short : Default.PrintDeadline,
            ShippingDeadline = step == "shipping" ? Short : Default.ShippingDeadline,
            DeliveryDeadline = step == "delivery" ? Short : Default.DeliveryDeadline,
            MaxPrintAttempts = 2,
            MaxShippingAttempts = 2,
            MaxDeliveryAttempts = 2,
        };
        string id = await workflow.StartAsync(policy, Hanh);
        await DriveUpToAsync(id, successEvent);

        CardApplicationResult result = await workflow.CompletionAsync(id);
        Assert.Equal(ApplicationStage.Failed, result.Stage);
        Assert.Contains("did not answer", result.Reason, StringComparison.Ordinal);
        Assert.NotEmpty(failureEvent);
    }

    [Fact]
    public async Task A_portrait_below_the_minimum_size_is_rejected_naming_the_check()
    {
        string id = await workflow.StartAsync(Default, Hanh, Samples.PortraitScaled(240, 240));

        CardApplicationResult result = await workflow.CompletionAsync(id);
        Assert.Equal(ApplicationStage.Rejected, result.Stage);
        Assert.Contains("width 240px (required >= 320px)", result.Reason, StringComparison.Ordinal);
        Assert.Contains("height 240px (required >= 320px)", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_late_answer_to_an_earlier_print_order_is_ignored_and_the_current_one_still_counts()
    {
        string id = await workflow.StartAsync(Default with { AutoApprove = true }, Hanh);
        await workflow.RaiseWhenWaitingAsync(id, E.CardPrintFailed, Broken with { Attempt = 1 });
        await WaitForDetailAsync(id, "Print order 2 of 3 sent to print centre");

        // The print centre's slow "printed" for order 1 arrives after the reprint was ordered.
        await workflow.Client.RaiseEventAsync(id, E.CardPrinted, Ok with { Attempt = 1 });
        await WaitForDetailAsync(id, "ignored a late answer to Print order 1; waiting for order 2");
        Assert.Contains(E.CardPrinted, (await workflow.WaitUntilWaitingForAsync(id, E.CardPrinted)).WaitingFor);

        await workflow.Client.RaiseEventAsync(id, E.CardPrinted, Ok with { Attempt = 2 });
        await DriveFromAsync(id, E.CardPickedUp);
        Assert.Equal(ApplicationStage.Delivered, (await workflow.CompletionAsync(id)).Stage);
    }

    [Fact]
    public async Task A_renewal_handed_over_cancels_the_holder_s_earlier_card_in_the_register()
    {
        var ids = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            string id = await workflow.StartAsync(Default with { AutoApprove = true }, Hanh);
            await DriveFromAsync(id, E.CardPrinted);
            Assert.Equal(ApplicationStage.Delivered, (await workflow.CompletionAsync(id)).Stage);
            ids.Add(id);
        }

        TableClient register = new TableServiceClient(workflow.Azurite.ConnectionString).GetTableClient(CardRegister.TableName);
        Dictionary<string, TableEntity> cards = (await AsyncItems.AllAsync(register.QueryAsync<TableEntity>($"PartitionKey eq '{Hanh.PersonalNumber}'")))
            .ToDictionary(c => c.RowKey);
        Assert.Equal((CardRegister.Cancelled, ids[1]), (cards[ids[0]].GetString("Status"), cards[ids[0]].GetString("CancelledBy")));
        Assert.Equal((CardRegister.Active, "partner-test"), (cards[ids[1]].GetString("Status"), cards[ids[1]].GetString("ConfirmedBy")));
    }

    [Fact]
    public async Task An_applicant_without_a_number_gets_a_new_one_reserved_for_this_application()
    {
        string id = await workflow.StartAsync(Default with { AutoApprove = true }, Hanh with { PersonalNumber = null });
        await DriveFromAsync(id, E.CardPrinted);

        CardApplicationResult result = await workflow.CompletionAsync(id);
        Assert.Equal(ApplicationStage.Delivered, result.Stage);
        PersonalNumber number = PersonalNumber.Parse(result.PersonalNumber!);
        Assert.Equal("079194", number.Prefix);
        Assert.Empty(PersonalNumber.Validate(number.Value, Hanh.DateOfBirth, Hanh.Sex));
        Assert.Equal(id, await workflow.Service<PersonalNumberRegistry>().OwnerOfAsync(number, default));
    }

    [Fact]
    public async Task A_registry_mismatch_sends_the_application_to_manual_review_even_with_auto_approval()
    {
        Applicant impostor = Hanh with { FullName = "Trần Thị Hoa", DateOfBirth = new DateOnly(1994, 8, 16) };
        string id = await workflow.StartAsync(Default with { AutoApprove = true }, impostor);

        ApplicationStatus status = await workflow.WaitUntilWaitingForAsync(id, E.ApprovalDecision);
        Assert.Equal(ApplicationStage.AwaitingApproval, status.Stage);
        ApplicationView view = await workflow.ProjectedAsync(id);
        TimelineEntry review = Assert.Single(view.Timeline, t => t.Stage == ApplicationStage.ManualReview);
        Assert.Equal("population registry: differs in FullName, DateOfBirth", review.Detail);
    }

    [Fact]
    public async Task A_personal_number_the_registry_does_not_know_needs_review()
    {
        string id = await workflow.StartAsync(Default with { AutoApprove = true }, Hanh with { PersonalNumber = "079194009999" });
        await workflow.WaitUntilWaitingForAsync(id, E.ApprovalDecision);
        ApplicationView view = await workflow.ProjectedAsync(id);
        Assert.Equal("population registry: the given personal number has no record", Assert.Single(view.Timeline, t => t.Stage == ApplicationStage.ManualReview).Detail);
    }

    [Fact]
    public async Task An_allocated_number_is_never_one_the_registry_already_holds()
    {
        var numbers = workflow.Service<PersonalNumberRegistry>();
        string prefix = PersonalNumber.PrefixFor("001", new DateOnly(1988, 3, 3), Sex.Male);
        PersonalNumber first = await numbers.AllocateAsync(prefix, "application-allocation-test", default);

        // Asked again for the same application, the allocator returns its first number (a retried activity)…
        Assert.Equal(first, await numbers.AllocateAsync(prefix, "application-allocation-test", default));

        // …unless the registry turns out to hold that number for someone: then it moves on.
        await workflow.Service<PopulationRegistry>().UpsertAsync(
            Samples.CitizenFor(Hanh with { PersonalNumber = first.Value, DateOfBirth = new DateOnly(1988, 3, 3), Sex = Sex.Male, BirthProvinceCode = "001", FullName = "Phạm Văn Tú" }));
        PersonalNumber second = await numbers.AllocateAsync(prefix, "application-allocation-test", default);
        Assert.NotEqual(first, second);
        Assert.Equal(prefix, second.Prefix);
    }

    /// <summary>The success callbacks of a card collected at the station, in order.</summary>
    static readonly string[] Steps = [E.CardPrinted, E.CardPickedUp, E.CardAtStation, E.CardCollected];

    /// <summary>Answers every step before the one that succeeds with <paramref name="successEvent"/>.</summary>
    async Task DriveUpToAsync(string id, string successEvent)
    {
        await workflow.RaiseWhenWaitingAsync(id, E.ApprovalDecision, Approve);
        foreach (string step in Steps.TakeWhile(e => e != successEvent))
        {
            await workflow.RaiseWhenWaitingAsync(id, step, Ok);
        }
    }

    /// <summary>Answers <paramref name="successEvent"/> and every step after it with success.</summary>
    async Task DriveFromAsync(string id, string successEvent)
    {
        foreach (string step in Steps.SkipWhile(e => e != successEvent))
        {
            await workflow.RaiseWhenWaitingAsync(id, step, Ok);
        }
    }

    async Task WaitForDetailAsync(string id, string detail)
    {
        for (int i = 0; i < 200; i++)
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
