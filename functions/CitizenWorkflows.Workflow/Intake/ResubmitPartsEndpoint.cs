using System.Security.Cryptography;
using System.Text.Json;
using CitizenWorkflows.Workflow.Approval;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Audit;
using CitizenWorkflows.Workflow.Operations.Actions;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// <c>POST /api/v1/applications/{id}/parts</c> (multipart/form-data, signed like intake): a kiosk sends again the parts
/// an officer asked for (operator action request-info). Only while the workflow waits for them, only from the kiosk
/// that took the application or another kiosk of its province; each part is checked by the intake rules, stored next to
/// the originals (never over them) and handed to the workflow.
/// </summary>
public sealed partial class ResubmitPartsEndpoint(
    KioskRequestAuthenticator authenticator,
    DocumentStore documents,
    OperationsAudit audit,
    ILogger<ResubmitPartsEndpoint> log)
{
    public async Task<IResult> HandleAsync(HttpRequest request, DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        (byte[]? body, IResult? tooLarge) = await RequestBody.ReadBytesAsync(request, SubmissionParts.MaxRequestBytes, cancellationToken);
        if (body is null)
        {
            return tooLarge!;
        }

        KioskAuthentication signed = await authenticator.AuthenticateAsync(request, body, cancellationToken);
        if (!signed.Succeeded)
        {
            return signed.Denied!;
        }

        Caller kiosk = signed.Caller!;
        ActionTarget? target = await ActionTarget.LoadAsync(client, id, cancellationToken);
        ApplicationHeader? header = target?.Input.Header;
        if (target is null || header is null)
        {
            return ActionRefusal.NotFound(id).ToResult();
        }

        if (header.KioskId != kiosk.Principal && header.Province != kiosk.Province)
        {
            return Problems.Status(StatusCodes.Status403Forbidden, "kiosk-area", "Outside the kiosk's area",
                $"Kiosk '{kiosk.Principal}' is neither the kiosk that took application '{id}' nor one of its province ({header.Province}).");
        }

        if (!target.IsWaitingFor(ApplicationEvents.InformationProvided))
        {
            return ActionRefusal.WrongStage(target, "parts", "an application whose officer asked for parts (AwaitingInformation)").ToResult();
        }

        (IReadOnlyList<SubmittedPart>? parts, IResult? malformed) = await MultipartForm.ReadAsync(request.ContentType, body, cancellationToken, requireApplication: false);
        if (parts is null)
        {
            return malformed!;
        }

        var errors = new List<FieldError>();
        if (parts.Any(p => p.Name == SubmissionParts.Application))
        {
            errors.Add(new(SubmissionParts.Application, "part.not-resubmittable", "cannot be sent again; send only the parts the officer asked for"));
        }

        if (parts.Count == 0)
        {
            errors.Add(new("parts", "parts.required", "send at least one of the parts the officer asked for"));
        }

        // The intake rules for each file part; the portrait is required only when it is among the parts sent.
        IReadOnlyList<IntakeDocument> checkedParts = SubmissionParts.CheckFiles(parts, errors);
        errors.RemoveAll(e => e.Field == SubmissionParts.Portrait && e.Rule == "required");
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        // Named by content, so a retried request stores nothing new and nothing overwrites what intake stored.
        DocumentReference[] stored = await Task.WhenAll(checkedParts.Select(part => documents.StoreOnceAsync(
            id, $"resubmitted/{Convert.ToHexStringLower(SHA256.HashData(part.Content))[..16]}/{part.Name}", part.Content, part.ContentType, cancellationToken)));
        string[] names = [.. checkedParts.Select(p => p.Name)];
        await audit.AppendAsync(
            id, new AuditRecord(kiosk.Principal, kiosk.Role, "provide-information", null, target.Stage.ToString(), null, "parts: " + string.Join(", ", names)),
            cancellationToken);
        await client.RaiseEventAsync(id, ApplicationEvents.InformationProvided, new ProvidedInformation(names, stored, kiosk.Principal), cancellationToken);
        LogResubmitted(log, id, names.Length);
        return Results.Json(new PartsAccepted(id, names, target.Stage.ToString()), JsonSerializerOptions.Web, statusCode: StatusCodes.Status202Accepted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ApplicationId}: {Count} requested part(s) resubmitted")]
    static partial void LogResubmitted(ILogger logger, string applicationId, int count);
}

/// <summary>The 202 answer to resubmitted parts.</summary>
public sealed record PartsAccepted(string ApplicationId, IReadOnlyList<string> Parts, string Stage);
