using System.Text.Json.Serialization;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Notifications;

/// <summary>What the citizen is told, and when.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotificationKind>))]
public enum NotificationKind
{
    Approved,
    Rejected,
    CardReady,

    /// <summary>The card waits at the police station for the citizen.</summary>
    ReadyForCollection,
    Delivered,

    /// <summary>Campaign: a booked appointment, with its queue number and time window (the id is the appointment's).</summary>
    AppointmentBooked,

    /// <summary>Campaign: the day before the appointment.</summary>
    AppointmentReminder,
    AppointmentMoved,
    AppointmentCancelled,
}

/// <summary>
/// A message to the applicant of one application (or, for the campaign's kinds, the citizen of one appointment: then
/// <see cref="ApplicationId"/> is the appointment's id). It carries the id and the text, never the citizen's name or
/// number; the notifier resolves the contact channel (VNeID, SMS) from the application or appointment.
/// </summary>
/// <param name="Key">"{applicationId}:{kind}": at most one notification of a kind per application, and the idempotency key
/// the notifier receives.</param>
public sealed record CitizenNotification(string ApplicationId, NotificationKind Kind, string Text, DateTimeOffset CreatedAt)
{
    public string Key => $"{ApplicationId}:{Kind}";

    /// <summary>The notification a stage calls for, if any: approval, rejection, a printed card, the handover.</summary>
    public static NotificationKind? For(ApplicationStage stage) => stage switch
    {
        ApplicationStage.Approved => NotificationKind.Approved,
        ApplicationStage.Rejected => NotificationKind.Rejected,
        ApplicationStage.Printed => NotificationKind.CardReady,
        ApplicationStage.AtStation => NotificationKind.ReadyForCollection,
        ApplicationStage.Delivered => NotificationKind.Delivered,
        _ => null,
    };

    /// <summary>The message text (Vietnamese, as the citizen reads it), with the reason for a rejection.</summary>
    public static string TextFor(NotificationKind kind, string applicationId, string? reason) => kind switch
    {
        NotificationKind.Approved => $"Hồ sơ cấp thẻ căn cước {applicationId} đã được phê duyệt.",
        NotificationKind.Rejected => $"Hồ sơ cấp thẻ căn cước {applicationId} không được chấp thuận: {reason}",
        NotificationKind.CardReady => $"Thẻ căn cước của hồ sơ {applicationId} đã được in và đang được chuyển đến bạn.",
        NotificationKind.ReadyForCollection => $"Thẻ căn cước của hồ sơ {applicationId} đã đến cơ quan công an nơi bạn làm thủ tục; mời bạn đến nhận thẻ.",
        NotificationKind.Delivered => $"Thẻ căn cước của hồ sơ {applicationId} đã được bàn giao.",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
