using CitizenWorkflows.Workflow.Http;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Campaign.Appointments;

/// <summary>
/// A kiosk's submission that names its appointment: checked before anything is stored (the appointment must be booked,
/// or already checked in by a retry of the same submission, in the kiosk's province), and checked in once the
/// application is accepted.
/// </summary>
public sealed partial class AppointmentCheckIn(AppointmentBook book, ILogger<AppointmentCheckIn> log)
{
    /// <summary>The rule the submission's <c>appointmentId</c> breaks, or null (none named, or it may be checked in).</summary>
    public async Task<FieldError?> ValidateAsync(string? appointmentId, Kiosks.Kiosk kiosk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kiosk);
        if (appointmentId is null)
        {
            return null;
        }

        if (await book.GetAsync(appointmentId, cancellationToken) is not { } appointment)
        {
            return new FieldError("appointmentId", "appointment.known", $"There is no appointment '{appointmentId}'.");
        }

        if (appointment.Status is not (AppointmentStatus.Booked or AppointmentStatus.CheckedIn))
        {
            return new FieldError("appointmentId", "appointment.booked", $"Appointment '{appointmentId}' is {appointment.Status}; only a booked appointment can be checked in.");
        }

        // The kiosk's own area rule (a fixed kiosk takes its province, a mobile team anywhere) applies to the appointment's place.
        return Kiosks.KioskArea.Allows(kiosk, appointment.Place.Province)
            ? null
            : new FieldError("appointmentId", "appointment.province", $"Appointment '{appointmentId}' is in province {appointment.Place.Province}, outside this kiosk's area.");
    }

    /// <summary>Links the appointment to the accepted application (status CheckedIn); idempotent for the same application.</summary>
    public async Task CheckInAsync(string? appointmentId, string applicationId, CancellationToken cancellationToken)
    {
        if (appointmentId is not null && !await book.CheckInAsync(appointmentId, applicationId, cancellationToken))
        {
            // Cancelled or checked in by another application between the check and now: the application goes on regardless.
            LogNotCheckedIn(log, appointmentId, applicationId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {AppointmentId} was no longer booked when application {ApplicationId} was accepted; not checked in")]
    static partial void LogNotCheckedIn(ILogger logger, string appointmentId, string applicationId);
}
