using CitizenWorkflows.Simulators;

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
