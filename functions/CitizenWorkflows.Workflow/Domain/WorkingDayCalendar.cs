namespace CitizenWorkflows.Workflow.Domain;

/// <summary>Monday–Friday minus configured public holidays, in Vietnam's time zone (UTC+7, no daylight saving).</summary>
public sealed class WorkingDayCalendar(IEnumerable<DateOnly> holidays)
{
    /// <summary>Vietnam keeps UTC+7 all year, so a fixed offset is exact.</summary>
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>Law on Identification 2023, Art. 26: a card is ready at most 7 working days after intake.</summary>
    public const int ServiceLevelWorkingDays = 7;

    readonly HashSet<DateOnly> holidays = [.. holidays];

    /// <summary>The configured public holidays, in date order.</summary>
    public IReadOnlyList<DateOnly> Holidays => [.. holidays.Order()];

    public bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(day);

    /// <summary>The instant <paramref name="workingDays"/> working days after <paramref name="start"/>, at the same local time.</summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        DateTimeOffset local = start.ToOffset(VietnamOffset);
        DateOnly day = DateOnly.FromDateTime(local.DateTime);
        int added = 0;
        while (added < workingDays)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                added++;
            }
        }

        return new DateTimeOffset(day.ToDateTime(TimeOnly.FromTimeSpan(local.TimeOfDay)), VietnamOffset).ToUniversalTime();
    }

    /// <summary>The service-level due time of an application received at <paramref name="receivedAt"/>.</summary>
    public DateTimeOffset DueAt(DateTimeOffset receivedAt) => AddWorkingDays(receivedAt, ServiceLevelWorkingDays);
}
