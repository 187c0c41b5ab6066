using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Tests.Domain;

public class WorkingDayCalendarTests
{
    static DateTimeOffset Vietnam(int year, int month, int day, int hour = 9) =>
        new(year, month, day, hour, 0, 0, WorkingDayCalendar.VietnamOffset);

    [Fact]
    public void Weekends_are_skipped()
    {
        var calendar = new WorkingDayCalendar([]);
        // Friday 2026-11-27 + 1 working day = Monday 2026-11-30.
        Assert.Equal(Vietnam(2026, 11, 30), calendar.AddWorkingDays(Vietnam(2026, 11, 27), 1));
    }

    [Fact]
    public void Holidays_are_skipped()
    {
        var calendar = new WorkingDayCalendar([new DateOnly(2026, 9, 2)]);
        // Tuesday 2026-09-01 + 1 = Thursday 2026-09-03, because 2 September is National Day.
        Assert.Equal(Vietnam(2026, 9, 3), calendar.AddWorkingDays(Vietnam(2026, 9, 1), 1));
    }

    [Fact]
    public void The_service_level_is_seven_working_days_in_Vietnam_time()
    {
        var calendar = new WorkingDayCalendar([]);
        // Thursday 2026-11-26 23:30 in Hà Nội is 16:30 UTC; seven working days later is Monday 2026-12-07 23:30 local.
        DateTimeOffset received = new(2026, 11, 26, 16, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 16, 30, 0, TimeSpan.Zero), calendar.DueAt(received));
    }

    [Fact]
    public void Intake_on_a_Saturday_counts_from_the_next_working_day()
    {
        var calendar = new WorkingDayCalendar([]);
        Assert.Equal(Vietnam(2026, 12, 1), calendar.AddWorkingDays(Vietnam(2026, 11, 28), 2));
    }
}
