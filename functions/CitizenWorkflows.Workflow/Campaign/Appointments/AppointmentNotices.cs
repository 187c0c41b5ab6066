using System.Globalization;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Notifications;

namespace CitizenWorkflows.Workflow.Campaign.Appointments;

/// <summary>
/// The citizen's messages about an appointment, put in the notification outbox (insert-if-absent by appointment and
/// kind, so each is sent once however often it is added) and sent by the outbox's dispatcher through <see cref="INotifier"/>.
/// </summary>
public sealed class AppointmentNotices(NotificationOutbox outbox, TimeProvider clock)
{
    public Task<bool> AddAsync(Appointment appointment, NotificationKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        return outbox.AddAsync(new CitizenNotification(appointment.AppointmentId, kind, TextFor(kind, appointment), clock.GetUtcNow()), cancellationToken);
    }

    /// <summary>The message (Vietnamese, as the citizen reads it): queue number and time window; never a name or number.</summary>
    public static string TextFor(NotificationKind kind, Appointment appointment)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        DateTimeOffset from = appointment.WindowStart.ToOffset(WorkingDayCalendar.VietnamOffset);
        DateTimeOffset to = appointment.WindowEnd.ToOffset(WorkingDayCalendar.VietnamOffset);
        string when = string.Create(CultureInfo.InvariantCulture, $"ngày {from:dd/MM/yyyy}, {from:HH:mm}-{to:HH:mm}");
        return kind switch
        {
            NotificationKind.AppointmentBooked => $"Lịch hẹn làm căn cước {appointment.AppointmentId}: số thứ tự {appointment.QueueNumber}, {when}.",
            NotificationKind.AppointmentReminder => $"Nhắc lịch hẹn làm căn cước ngày mai: số thứ tự {appointment.QueueNumber}, {when}.",
            NotificationKind.AppointmentMoved => $"Lịch hẹn làm căn cước {appointment.AppointmentId} đã được đổi sang lịch hẹn {appointment.MovedTo}.",
            NotificationKind.AppointmentCancelled => $"Lịch hẹn làm căn cước {appointment.AppointmentId} ({when}) đã được hủy.",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an appointment's notification."),
        };
    }
}
