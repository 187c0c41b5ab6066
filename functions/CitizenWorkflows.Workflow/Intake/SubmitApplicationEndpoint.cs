using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// <c>POST /api/v1/applications</c>: a kiosk submits an application. Valid → portrait stored, workflow started,
/// 202 with the status URL. Invalid → problem details and nothing stored, nothing started.
/// </summary>
public sealed partial class SubmitApplicationEndpoint(
    ApiKeyAuthenticator authenticator,
    DocumentStore documents,
    IOptionsMonitor<WorkflowPolicy> policy,
    WorkingDayCalendar calendar,
    TimeProvider clock,
    ILogger<SubmitApplicationEndpoint> log)
{
    /// <summary>The portrait limit plus base64 growth and the other fields.</summary>
    public const long MaxBodyBytes = (SubmissionRules.MaxPortraitBytes / 3 * 4) + (64 * 1024);

    static readonly string[] AllowedRoles = [Roles.Kiosk];

    public async Task<IResult> HandleAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        if (!authenticator.TryAuthorize(request, AllowedRoles, out Caller kiosk, out IResult denied))
        {
            return denied;
        }

        (ApplicationSubmission? body, IResult? problem) = await RequestBody.ReadJsonAsync<ApplicationSubmission>(
            request, MaxBodyBytes, allowEmpty: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        DateTimeOffset now = clock.GetUtcNow();
        (ValidSubmission? valid, IReadOnlyList<FieldError> errors) =
            SubmissionRules.Validate(body!, DateOnly.FromDateTime(now.ToOffset(WorkingDayCalendar.VietnamOffset).DateTime));
        if (valid is null)
        {
            return Problems.Validation(errors);
        }

        string applicationId = Guid.CreateVersion7(now).ToString("N");
        DocumentReference portrait = await documents.StoreAsync(
            applicationId, "portrait", valid.Portrait, valid.PortraitContentType, cancellationToken);
        var header = new ApplicationHeader(
            applicationId, valid.Type, kiosk.Province ?? valid.Applicant.BirthProvinceCode, kiosk.Principal, now, calendar.DueAt(now));
        var input = new CardApplicationInput(header, valid.Applicant, portrait, policy.CurrentValue);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                CardApplicationOrchestration.Name, input, new StartOrchestrationOptions(applicationId), CancellationToken.None);
        }
        catch
        {
            // Nothing half-written: without a workflow the stored portrait would be an orphan.
            await documents.DeleteAsync(portrait, CancellationToken.None);
            throw;
        }

        LogAccepted(log, applicationId, kiosk.Principal);
        string statusUrl = ApiRoutes.StatusUrl(applicationId);
        return Results.Accepted(statusUrl, new SubmissionAccepted(applicationId, ApplicationStage.Received, statusUrl, header.DueAt));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ApplicationId} accepted from kiosk {KioskId}")]
    static partial void LogAccepted(ILogger logger, string applicationId, string kioskId);
}

/// <summary>The 202 answer to a submission.</summary>
public sealed record SubmissionAccepted(string ApplicationId, ApplicationStage Stage, string StatusUrl, DateTimeOffset DueAt);
