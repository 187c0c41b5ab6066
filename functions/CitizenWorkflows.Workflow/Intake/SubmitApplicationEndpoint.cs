using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Kiosks;
using System.Diagnostics;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// <c>POST /api/v1/applications</c> (multipart/form-data): a registered kiosk submits a signed application with an
/// <c>Idempotency-Key</c>, for an applicant living in its area (mobile teams: anywhere). Valid → documents stored,
/// workflow started, 202 with the status URL (the same answer for every retry with that key). Invalid → problem details
/// naming every broken rule; nothing stored, nothing started.
/// </summary>
public sealed partial class SubmitApplicationEndpoint(
    KioskRequestAuthenticator authenticator,
    IntakeService intake,
    Campaign.Appointments.AppointmentCheckIn checkIn,
    TimeProvider clock,
    WorkflowMetrics metrics,
    ILogger<SubmitApplicationEndpoint> log)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 128;

    public async Task<IResult> HandleAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var seen = new SubmissionSeen();
        IResult answer = await AnswerAsync(request, client, seen, cancellationToken);
        string outcome = answer is IStatusCodeHttpResult { StatusCode: StatusCodes.Status202Accepted } ? seen.Replayed ? "replayed" : "accepted" : "refused";
        metrics.Submission(outcome, seen.Province, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return answer;
    }

    /// <summary>What the metrics may know of a submission: its province code once validated, and whether it was a retry.</summary>
    sealed class SubmissionSeen
    {
        public string? Province { get; set; }

        public bool Replayed { get; set; }
    }

    async Task<IResult> AnswerAsync(HttpRequest request, DurableTaskClient client, SubmissionSeen seen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (byte[]? body, IResult? tooLarge) = await RequestBody.ReadBytesAsync(request, SubmissionParts.MaxRequestBytes, cancellationToken);
        if (body is null)
        {
            return tooLarge!;
        }

        // Kiosks sign each request over its bytes (clients/CitizenWorkflows.KioskClient): authenticate before reading it.
        KioskAuthentication signed = await authenticator.AuthenticateAsync(request, body, cancellationToken);
        if (!signed.Succeeded)
        {
            return signed.Denied;
        }

        Caller kiosk = signed.Caller;
        string? key = request.Headers[IdempotencyKeyHeader];
        if (string.IsNullOrEmpty(key) || key.Length > MaxIdempotencyKeyLength || !key.All(c => c is > ' ' and <= '~'))
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "idempotency-key-required", "Idempotency-Key required",
                $"Send an {IdempotencyKeyHeader} header: 1-{MaxIdempotencyKeyLength} visible ASCII characters, new for each application and the same on every retry of it.");
        }

        (IReadOnlyList<SubmittedPart>? parts, IResult? malformed) = await MultipartForm.ReadAsync(request.ContentType, body, cancellationToken);
        if (parts is null)
        {
            return malformed!;
        }

        (ApplicationSubmission? form, IResult? badJson) = RequestBody.ParseJson<ApplicationSubmission>(
            parts.Single(p => p.Name == SubmissionParts.Application).Content, SubmissionParts.Application);
        if (form is null)
        {
            return badJson!;
        }

        (ValidSubmission? valid, IReadOnlyList<FieldError> errors) = SubmissionRules.Validate(form, parts, clock.GetUtcNow());
        FieldError? appointment = await checkIn.ValidateAsync(form.AppointmentId, signed.Kiosk, cancellationToken);
        if (valid is null || appointment is not null)
        {
            return Problems.Validation([.. errors, .. appointment is null ? [] : new[] { appointment }]);
        }

        seen.Province = valid.ResidenceProvinceCode;
        if (!KioskArea.Allows(signed.Kiosk, valid.ResidenceProvinceCode))
        {
            return KioskArea.Refused(signed.Kiosk, valid.ResidenceProvinceCode);
        }

        IntakeResult result;
        using (LogScopes.Kiosk(log, kiosk.Principal))
        using (Activity? span = WorkflowTelemetry.Source.StartActivity("intake accept"))
        {
            span?.SetTag("kiosk.id", kiosk.Principal);
            result = await intake.AcceptAsync(new IntakeRequest(kiosk, key, IntakeService.DigestOf(parts), valid), client, cancellationToken);
            span?.SetTag("application.id", result.Accepted?.ApplicationId);
            span?.SetTag("intake.replayed", result.Replayed);
            if (result.Problem is not null)
            {
                span?.SetStatus(ActivityStatusCode.Error, "refused");
                return result.Problem;
            }
        }

        SubmissionAccepted accepted = result.Accepted!;
        await checkIn.CheckInAsync(form.AppointmentId, accepted.ApplicationId, cancellationToken);
        seen.Replayed = result.Replayed;
        using (LogScopes.Application(log, accepted.ApplicationId))
        {
            LogAccepted(log, accepted.ApplicationId, kiosk.Principal, result.Replayed);
        }

        return Results.Accepted(accepted.StatusUrl, accepted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ApplicationId} accepted from kiosk {KioskId} (replayed: {Replayed})")]
    static partial void LogAccepted(ILogger logger, string applicationId, string kioskId, bool replayed);
}
