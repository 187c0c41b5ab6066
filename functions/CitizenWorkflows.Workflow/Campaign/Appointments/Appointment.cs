using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;

namespace CitizenWorkflows.Workflow.Campaign.Appointments;

/// <summary>Where an appointment stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AppointmentStatus>))]
public enum AppointmentStatus
{
    Booked,

    /// <summary>The citizen came: a kiosk's submission named the appointment.</summary>
    CheckedIn,
    Cancelled,

    /// <summary>Replaced by another appointment (<see cref="Appointment.MovedTo"/>).</summary>
    Moved,

    /// <summary>Not checked in by the session's end: the seat was released.</summary>
    NoShow,
}

/// <summary>Why a booking is served first.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PriorityReason>))]
public enum PriorityReason
{
    Elderly,
    Disabled,
    HomeVisit,
}

/// <summary>An appointment as the API shows it: no personal data, only where and when the citizen is expected.</summary>
public sealed record Appointment(
    string AppointmentId,
    string SessionId,
    int Slot,
    int QueueNumber,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    AppointmentStatus Status,
    IReadOnlyList<PriorityReason> Priority,
    CampaignPlace Place,
    string BookedBy,
    string? ApplicationId,
    string? MovedFrom,
    string? MovedTo)
{
    /// <summary>Queue numbers follow the clock: slot 2, seat 7 is 207.</summary>
    public static int QueueNumberOf(int slot, int seat) => (slot * 100) + seat;
}

/// <summary>The body of <c>POST /v1/campaign/appointments</c>.</summary>
public sealed record BookAppointment(string? SessionId, int? Slot, CitizenIdentity? Citizen, IReadOnlyList<PriorityReason>? Priority);

/// <summary>The body of <c>POST /v1/campaign/appointments/{appointmentId}/move</c>.</summary>
public sealed record MoveAppointment(string? SessionId, int? Slot);

/// <summary>
/// Who books: a personal number, or for a first card full name, date of birth and commune of residence. Never stored
/// or logged: only <see cref="Digest"/> is kept, as the one-booking-a-day key.
/// </summary>
public sealed record CitizenIdentity(string? PersonalNumber, string? FullName, string? DateOfBirth, string? Commune)
{
    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (PersonalNumber is not null)
        {
            errors.AddRange(Domain.PersonalNumber.Validate(PersonalNumber).Select(v => new FieldError("citizen.personalNumber", v.Rule, v.Message)));
            if (FullName is not null || DateOfBirth is not null || Commune is not null)
            {
                errors.Add(new FieldError("citizen", "citizen.oneIdentity", "Give a personal number, or (first card) name, date of birth and commune, not both."));
            }

            return errors;
        }

        if (string.IsNullOrWhiteSpace(FullName) || FullName.Length > 100)
        {
            errors.Add(new FieldError("citizen.fullName", "fullName.required", "Without a personal number the full name is required (at most 100 characters)."));
        }

        if (!DateOnly.TryParseExact(DateOfBirth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add(new FieldError("citizen.dateOfBirth", "dateOfBirth.format", "Without a personal number the date of birth is required as yyyy-MM-dd."));
        }

        errors.AddRange(CampaignPlace.Validate("001", null, Commune ?? "", "citizen.").Where(e => e.Field == "citizen.commune"));
        return errors;
    }

    /// <summary>The citizen's lookup key: the intake's digest of the personal number, or a digest of name, birth date
    /// and commune.</summary>
    public string Digest() => PersonalNumber is { } number
        ? CitizenKey.OfPersonalNumber(number).Digest
        : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"first-card:{DemographicKey.NormaliseName(FullName!)}|{DateOfBirth}|{Commune}")));
}
