using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;

namespace CitizenWorkflows.Tests.Orchestration;

/// <summary>Approval deadlines in working days, Vietnam time, skipping weekends and the configured holidays.</summary>
public class WorkflowPolicyTests
{
    // Friday 27 November 2026, 10:00 in Hà Nội (03:00 UTC).
    static readonly DateTime FridayMorning = new(2026, 11, 27, 3, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Two_working_days_from_a_friday_end_on_tuesday_at_the_same_local_time() =>
        Assert.Equal(new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc), new WorkflowPolicy { ApprovalWorkingDays = 2 }.ApprovalDueFrom(FridayMorning));

    [Fact]
    public void A_holiday_carried_in_the_policy_moves_the_deadline_a_day() =>
        Assert.Equal(
            new DateTime(2026, 12, 2, 3, 0, 0, DateTimeKind.Utc),
            new WorkflowPolicy { ApprovalWorkingDays = 2, Holidays = [new DateOnly(2026, 11, 30)] }.ApprovalDueFrom(FridayMorning));

    [Fact]
    public void Without_working_days_the_deadline_is_the_plain_duration() =>
        Assert.Equal(FridayMorning.AddSeconds(5), new WorkflowPolicy { ApprovalDeadline = TimeSpan.FromSeconds(5) }.ApprovalDueFrom(FridayMorning));
}
