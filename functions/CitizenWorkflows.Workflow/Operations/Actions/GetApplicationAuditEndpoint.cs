using System.Text.Json;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Operations.Actions;

/// <summary><c>GET /api/v1/applications/{id}/audit</c>: every operator action (and refusal) on the application, oldest first.</summary>
public sealed class GetApplicationAuditEndpoint(ApiKeyAuthenticator authenticator, OperationsAudit audit)
{
    static readonly string[] AllowedRoles = [Roles.Operator];

    public async Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!authenticator.TryAuthorize(request, AllowedRoles, out _, out IResult denied))
        {
            return denied;
        }

        if (!ApplicationIds.IsWellFormed(id))
        {
            return GetApplicationEndpoint.NotFound(id);
        }

        return Results.Json(new AuditList(await audit.ListAsync(id, cancellationToken)), JsonSerializerOptions.Web);
    }
}

/// <summary>The body of the audit answer.</summary>
public sealed record AuditList(IReadOnlyList<AuditRecord> Items);
