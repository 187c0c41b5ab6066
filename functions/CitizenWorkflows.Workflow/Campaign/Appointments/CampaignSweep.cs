using System.Globalization;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Notifications;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Campaign.Appointments;

/// <summary>
/// The campaign's schedule, run by a timer function in the Functions app and a poller in the Local host: reminds the
/// citizens of tomorrow's sessions (once per appointment), and releases the seats of those who did not come once a
/// session has ended (status <see cref="AppointmentStatus.NoShow"/>). It reads only the day index partitions
/// (<c>end|{day}</c>) from <see cref="LookBackDays"/> ago to tomorrow and the partitions of the sessions they name; a
/// session leaves the index when its no-shows are released, so a pass costs what is still to do.
/// </summary>
public sealed partial class CampaignSweep(TableServiceClient tables, AppointmentBook book, AppointmentNotices notices, TimeProvider clock, ILogger<CampaignSweep> log)
{
    /// <summary>How far back a pass looks for sessions not yet released (a sweep stopped longer than this leaves them booked).</summary>
    public const int LookBackDays = 14;

    TableClient Table => tables.GetTableClient(CampaignTable.TableName);

    /// <summary>One pass; returns the reminders added and the no-shows released.</summary>
    public async Task<(int Reminded, int Released)> RunAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        DateOnly today = Operations.Query.ApplicationCounters.Day(now);
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {CampaignTable.EndPartition(today.AddDays(-LookBackDays))} and PartitionKey le {CampaignTable.EndPartition(today.AddDays(1))}");
        int reminded = 0, released = 0;
        await foreach (TableEntity session in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            string sessionId = session.RowKey;
            DateOnly day = DateOnly.ParseExact(session.PartitionKey["end|".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (session.GetDateTimeOffset("EndsAt") is { } endsAt && endsAt <= now)
            {
                foreach (Appointment appointment in await book.BookedAsync(sessionId, cancellationToken))
                {
                    released += await book.EndAsync(appointment, AppointmentStatus.NoShow, movedTo: null, cancellationToken) ? 1 : 0;
                }

                await ForgetAsync(Table.DeleteEntityAsync(session.PartitionKey, session.RowKey, session.ETag, cancellationToken));
            }
            else if (day == today.AddDays(1) && session.GetBoolean("Reminded") != true)
            {
                foreach (Appointment appointment in await book.BookedAsync(sessionId, cancellationToken))
                {
                    reminded += await notices.AddAsync(appointment, NotificationKind.AppointmentReminder, cancellationToken) ? 1 : 0;
                }

                await ForgetAsync(Table.UpdateEntityAsync(new TableEntity(session.PartitionKey, session.RowKey) { ["Reminded"] = true }, session.ETag, TableUpdateMode.Merge, cancellationToken));
            }
        }

        if (reminded + released > 0)
        {
            LogPass(log, reminded, released);
        }

        return (reminded, released);
    }

    /// <summary>Another sweeper finished the same session first: nothing left to do.</summary>
    static async Task ForgetAsync(Task<Azure.Response> write)
    {
        try
        {
            await write;
        }
        catch (Azure.RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign sweep: {Reminded} reminders added, {Released} no-shows released")]
    static partial void LogPass(ILogger logger, int reminded, int released);
}
