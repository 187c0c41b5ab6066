using System.Text.Json;
using CitizenWorkflows.Workflow.Campaign.Sessions;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Campaign.Appointments;

/// <summary>
/// <c>/v1/campaign/appointments</c>: an officer books a citizen into a slot (the first free seat; 409 naming the slot
/// when it is full), moves or cancels the booking; each change is confirmed to the citizen through the notification
/// outbox. An area-bound officer reaches only sessions of their area (checked here against the session's place).
/// </summary>
public sealed class AppointmentEndpoints(IntakeSessions sessions, AppointmentBook book, AppointmentNotices notices, TimeProvider clock)
{
    const long MaxBodyBytes = 8 * 1024;

    public async Task<IResult> BookAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        Caller caller = CallerClaims.Of(request);
        (BookAppointment? body, IResult? problem) = await RequestBody.ReadJsonAsync<BookAppointment>(request, MaxBodyBytes, allowEmpty: false, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        var errors = new List<FieldError>();
        if (body.Citizen is null)
        {
            errors.Add(new FieldError("citizen", "citizen.required", "Name the citizen: a personal number, or (first card) full name, date of birth and commune."));
        }
        else
        {
            errors.AddRange(body.Citizen.Validate());
        }

        (IntakeSession? session, IResult? target) = await TargetAsync(caller, body.SessionId, body.Slot, errors, cancellationToken);
        if (target is not null)
        {
            return target;
        }

        IReadOnlyList<PriorityReason> priority = [.. body.Priority ?? [], .. session!.Kind == IntakeSessionKind.HomeVisit ? [PriorityReason.HomeVisit] : Array.Empty<PriorityReason>()];
        BookingOutcome outcome = await book.BookAsync(session, body.Slot!.Value, body.Citizen!.Digest(), [.. priority.Distinct()], caller.Principal, replacing: null, cancellationToken);
        return await AnswerAsync(outcome, session, body.Slot.Value, NotificationKind.AppointmentBooked, moved: null, cancellationToken);
    }

    public async Task<IResult> GetAsync(HttpRequest request, string appointmentId, CancellationToken cancellationToken)
    {
        Caller caller = CallerClaims.Of(request);
        if (await book.GetAsync(appointmentId, cancellationToken) is not { } appointment)
        {
            return NotFound(appointmentId);
        }

        return appointment.Place.IsWithin(caller) ? Results.Json(appointment, JsonSerializerOptions.Web) : appointment.Place.OutsideArea(caller, $"appointment '{appointmentId}'");
    }

    public async Task<IResult> MoveAsync(HttpRequest request, string appointmentId, CancellationToken cancellationToken)
    {
        Caller caller = CallerClaims.Of(request);
        (Appointment? appointment, IResult? refused) = await BookedAsync(caller, appointmentId, cancellationToken);
        if (appointment is null)
        {
            return refused!;
        }

        (MoveAppointment? body, IResult? problem) = await RequestBody.ReadJsonAsync<MoveAppointment>(request, MaxBodyBytes, allowEmpty: false, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        (IntakeSession? session, IResult? target) = await TargetAsync(caller, body.SessionId, body.Slot, [], cancellationToken);
        if (target is not null)
        {
            return target;
        }

        BookingOutcome outcome = await book.MoveAsync(appointment, session!, body.Slot!.Value, caller.Principal, cancellationToken);
        return await AnswerAsync(outcome, session!, body.Slot.Value, NotificationKind.AppointmentBooked, moved: appointment, cancellationToken);
    }

    public async Task<IResult> CancelAsync(HttpRequest request, string appointmentId, CancellationToken cancellationToken)
    {
        Caller caller = CallerClaims.Of(request);
        (Appointment? appointment, IResult? refused) = await BookedAsync(caller, appointmentId, cancellationToken);
        if (appointment is null)
        {
            return refused!;
        }

        if (!await book.EndAsync(appointment, AppointmentStatus.Cancelled, movedTo: null, cancellationToken))
        {
            return NotBooked(await book.GetAsync(appointmentId, cancellationToken) ?? appointment);
        }

        Appointment cancelled = (await book.GetAsync(appointmentId, cancellationToken))!;
        await notices.AddAsync(cancelled, NotificationKind.AppointmentCancelled, cancellationToken);
        return Results.Json(cancelled, JsonSerializerOptions.Web);
    }

    /// <summary>The session and slot a booking or move goes to, with every broken rule of the request, or the refusal.</summary>
    async Task<(IntakeSession? Session, IResult? Refusal)> TargetAsync(
        Caller caller, string? sessionId, int? slot, List<FieldError> errors, CancellationToken cancellationToken)
    {
        IntakeSession? session = null;
        if (string.IsNullOrEmpty(sessionId))
        {
            errors.Add(new FieldError("sessionId", "sessionId.required", "Name the intake session."));
        }
        else if ((session = await sessions.GetAsync(sessionId, cancellationToken)) is null)
        {
            errors.Add(new FieldError("sessionId", "session.known", $"There is no intake session '{sessionId}'."));
        }

        if (slot is null || (session is not null && (slot < 1 || slot > session.Slots.Count)))
        {
            errors.Add(new FieldError("slot", "slot.known", session is null ? "Name the slot (from 1)." : $"The session has slots 1 to {session.Slots.Count}."));
        }

        if (errors.Count > 0)
        {
            return (null, Problems.Validation(errors));
        }

        if (!session!.Place.IsWithin(caller))
        {
            return (null, session.Place.OutsideArea(caller, $"session '{sessionId}'"));
        }

        // The sweep releases an ended session's seats once: a booking after that would never be released.
        return session.EndsAt > clock.GetUtcNow()
            ? (session, null)
            : (null, Problems.Status(StatusCodes.Status409Conflict, "session-ended", "The session has ended",
                $"Session '{sessionId}' ended at {session.EndsAt:O}; book a later session.", new Dictionary<string, object?> { ["sessionId"] = sessionId }));
    }

    async Task<(Appointment?, IResult?)> BookedAsync(Caller caller, string appointmentId, CancellationToken cancellationToken)
    {
        if (await book.GetAsync(appointmentId, cancellationToken) is not { } appointment)
        {
            return (null, NotFound(appointmentId));
        }

        if (!appointment.Place.IsWithin(caller))
        {
            return (null, appointment.Place.OutsideArea(caller, $"appointment '{appointmentId}'"));
        }

        return appointment.Status == AppointmentStatus.Booked ? (appointment, null) : (null, NotBooked(appointment));
    }

    async Task<IResult> AnswerAsync(BookingOutcome outcome, IntakeSession session, int slot, NotificationKind kind, Appointment? moved, CancellationToken cancellationToken)
    {
        if (outcome.Appointment is { } booked)
        {
            if (moved is not null && await book.GetAsync(moved.AppointmentId, cancellationToken) is { } old)
            {
                await notices.AddAsync(old, NotificationKind.AppointmentMoved, cancellationToken);
            }

            await notices.AddAsync(booked, kind, cancellationToken);
            if (session.Date <= Operations.Query.ApplicationCounters.Day(clock.GetUtcNow()).AddDays(1) && session.EndsAt > clock.GetUtcNow())
            {
                // Booked after the sweep's reminder pass for this session (the day before, or the day itself): remind now.
                await notices.AddAsync(booked, NotificationKind.AppointmentReminder, cancellationToken);
            }

            return Results.Json(booked, JsonSerializerOptions.Web, statusCode: StatusCodes.Status201Created);
        }

        var where = new Dictionary<string, object?> { ["sessionId"] = session.SessionId, ["slot"] = slot };
        if (outcome.Refusal == BookingRefusal.AlreadyBooked)
        {
            where["appointmentId"] = outcome.HeldAppointmentId;
            return Problems.Status(StatusCodes.Status409Conflict, "already-booked", "The citizen holds an appointment that day",
                $"The citizen is booked in province {session.Place.Province} on {session.Date:yyyy-MM-dd} already (appointment '{outcome.HeldAppointmentId}'); move or cancel it.", where);
        }

        return Problems.Status(StatusCodes.Status409Conflict, "slot-full", "The slot is full",
            $"Slot {slot} of session '{session.SessionId}' has no free seat (capacity {session.Slots[slot - 1].Capacity}); choose another slot or session.", where);
    }

    static IResult NotBooked(Appointment appointment) =>
        Problems.Status(StatusCodes.Status409Conflict, "appointment-not-booked", "The appointment is not booked",
            $"Appointment '{appointment.AppointmentId}' is {appointment.Status}; only a booked appointment can be moved or cancelled.");

    static IResult NotFound(string appointmentId) =>
        Problems.Status(StatusCodes.Status404NotFound, "not-found", "No such appointment", $"There is no appointment '{appointmentId}'.");
}
