using CitizenWorkflows.Simulators;
using CitizenWorkflows.Workflow.Orchestration;

namespace CitizenWorkflows.Tests.Simulators;

/// <summary>A partner keeps answering a refused callback while the workflow is live, and stops once it has ended.</summary>
public sealed class RefusedCallbackTests
{
    [Theory]
    [InlineData("Running")]
    [InlineData("Pending")]
    [InlineData("Suspended")]
    public void A_live_workflow_may_still_take_the_callback(string runtimeStatus) =>
        Assert.True(PartnerSimulator.MayStillTake(runtimeStatus));

    [Theory]
    [InlineData("Completed")]
    [InlineData("Failed")]
    [InlineData("Terminated")]
    [InlineData("Purged")]
    [InlineData(null)]
    public void An_ended_workflow_never_will(string? runtimeStatus) =>
        Assert.False(PartnerSimulator.MayStillTake(runtimeStatus));
}

/// <summary>
/// A refused first callback is answered again when the workflow has not yet recorded the wait it answers (its status
/// lags the order: the runtime sends an episode's messages before it writes the status), and taken as answered before
/// once the workflow is at or past the stage the order was sent at.
/// </summary>
public sealed class TooEarlyCallbackTests
{
    static readonly WorkOrder PrintOrder = new("0123456789abcdef0123456789abcdef", WorkOrderKind.Print, 1);
    static readonly WorkOrder ShipOrder = new("0123456789abcdef0123456789abcdef", WorkOrderKind.Ship, 1);

    [Theory]
    [InlineData("Approved")]
    [InlineData("Personalised")]
    [InlineData(null)]
    public void A_print_order_answered_before_its_wait_is_recorded_is_too_early(string? stage) =>
        Assert.True(PartnerSimulator.IsTooEarly(PrintOrder, new(stage, "Running", [])));

    [Theory]
    [InlineData("Printing")]
    [InlineData("Printed")]
    [InlineData("Shipped")]
    public void A_print_order_at_or_past_its_stage_was_answered_before(string stage) =>
        Assert.False(PartnerSimulator.IsTooEarly(PrintOrder, new(stage, "Running", [])));

    [Fact]
    public void An_ended_workflow_is_never_too_early() =>
        Assert.False(PartnerSimulator.IsTooEarly(PrintOrder, new("Personalised", "Failed", [])));

    [Fact]
    public void A_pickup_is_too_early_while_the_card_is_still_printing() =>
        Assert.True(PartnerSimulator.IsTooEarly(ShipOrder, new("Printing", "Running", ["card-printed"])));

    [Fact]
    public void A_refusal_from_a_workflow_still_waiting_for_the_answer_is_not_answered_before()
    {
        // An operator suspended it while it waits at Printing: the print centre's answer is still owed.
        Assert.False(PartnerSimulator.WasAnsweredBefore(PrintOrder, "card-printed", new("Printing", "Suspended", ["card-printed", "card-print-failed"])));
        Assert.True(PartnerSimulator.WasAnsweredBefore(PrintOrder, "card-printed", new("Printed", "Running", ["card-picked-up"])));
        Assert.False(PartnerSimulator.WasAnsweredBefore(PrintOrder, "card-printed", new("Approved", "Running", [])));
    }
}
