using System.Text.Json;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations.Audit;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Operations.Actions;

/// <summary><c>GET /api/v1/applications/{id}/audit</c>: every operator action (and refusal) on the application, oldest first.</summary>
public sealed class GetApplicationAuditEndpoint(OperationsAudit audit)
{
    public async Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!ApplicationIds.IsWellFormed(id))
        {
            return GetApplicationEndpoint.NotFound(id);
        }

        IReadOnlyList<AuditEntry> entries = await audit.ListAsync(id, cancellationToken);
        return Results.Json(
            new AuditList([.. entries.Select(e => new AuditItem(
                e.AuditId, e.At, e.Record.Actor, e.Record.Role, e.Record.Action, e.Record.Reason, e.Record.StageBefore, e.Record.StageAfter,
                e.Record.Outcome, e.Record.Detail, e.Record.ActorName))]),
            JsonSerializerOptions.Web);
    }
}

/// <summary>The body of the audit answer.</summary>
public sealed record AuditList(IReadOnlyList<AuditItem> Items);

/// <summary>One audit row as the API shows it.</summary>
public sealed record AuditItem(
    string AuditId, DateTimeOffset At, string Actor, string Role, string Action, string? Reason, string? StageBefore, string? StageAfter,
    string Outcome, string? Detail, string? ActorName);
