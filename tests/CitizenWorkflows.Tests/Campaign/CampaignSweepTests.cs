using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Campaign;
using CitizenWorkflows.Workflow.Campaign.Appointments;
using CitizenWorkflows.Workflow.Campaign.Sessions;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Notifications;
using Microsoft.Extensions.Logging.Abstractions;

namespace CitizenWorkflows.Tests.Campaign;

/// <summary>
/// The campaign sweep on Azurite with a clock the test moves: before a session's end nothing is released; after it the
/// booked appointments become no-shows (seats freed) and the session leaves the day index, so a second pass does nothing;
/// the day before, each booked appointment is reminded once.
/// </summary>
public sealed class CampaignSweepTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    static readonly DateOnly Day = new(2026, 12, 9);

    [Fact]
    public async Task The_sweep_reminds_the_day_before_and_releases_no_shows_after_the_end_once()
    {
        TableServiceClient tables = azurite.Tables;
        foreach (string table in new[] { CampaignTable.TableName, NotificationOutbox.TableName, NotificationOutbox.PendingTableName })
        {
            await tables.GetTableClient(table).CreateIfNotExistsAsync();
        }

        var clock = new FakeClock(new DateTimeOffset(2026, 12, 8, 9, 0, 0, WorkingDayCalendar.VietnamOffset));
        var sessions = new IntakeSessions(tables);
        var book = new AppointmentBook(tables, clock);
        var outbox = new NotificationOutbox(tables);
        var sweep = new CampaignSweep(tables, book, new AppointmentNotices(outbox, clock), clock, NullLogger<CampaignSweep>.Instance);
        IntakeSession session = await sessions.CreateAsync(
            IntakeSessionKind.HomeVisit, new CampaignPlace("001", null, "00001"), Day, venue: null,
            [new SessionSlot(new TimeOnly(8, 0), new TimeOnly(9, 0), 2)], "officer-test", CancellationToken.None);
        BookingOutcome first = await book.BookAsync(session, 1, "digest-1", [PriorityReason.HomeVisit], "officer-test", null, CancellationToken.None);
        BookingOutcome second = await book.BookAsync(session, 1, "digest-2", [], "officer-test", null, CancellationToken.None);
        Assert.Equal(BookingRefusal.SlotFull, (await book.BookAsync(session, 1, "digest-3", [], "officer-test", null, CancellationToken.None)).Refusal);
        Assert.True(await book.CheckInAsync(second.Appointment!.AppointmentId, "application-2", CancellationToken.None));

        // The day before: one reminder (the checked-in one is not waited for), however many passes.
        Assert.Equal((1, 0), await sweep.RunAsync(CancellationToken.None));
        Assert.Equal((0, 0), await sweep.RunAsync(CancellationToken.None));

        // During the session: nothing. After its end: the booked one is a no-show, its seat free; then nothing more.
        clock.Set(new DateTimeOffset(2026, 12, 9, 8, 30, 0, WorkingDayCalendar.VietnamOffset));
        Assert.Equal((0, 0), await sweep.RunAsync(CancellationToken.None));
        clock.Set(new DateTimeOffset(2026, 12, 9, 9, 0, 1, WorkingDayCalendar.VietnamOffset));
        Assert.Equal((0, 1), await sweep.RunAsync(CancellationToken.None));
        Assert.Equal((0, 0), await sweep.RunAsync(CancellationToken.None));

        Assert.Equal(AppointmentStatus.NoShow, (await book.GetAsync(first.Appointment!.AppointmentId, CancellationToken.None))!.Status);
        Assert.Equal(AppointmentStatus.CheckedIn, (await book.GetAsync(second.Appointment.AppointmentId, CancellationToken.None))!.Status);
        Assert.Equal(1, (await sessions.GetAsync(session.SessionId, CancellationToken.None))!.Slots[0].Booked);
        var pending = await outbox.PendingAsync(10, CancellationToken.None);
        Assert.Equal($"{first.Appointment.AppointmentId}:{NotificationKind.AppointmentReminder}", Assert.Single(pending).Notification.Key);
    }
}
