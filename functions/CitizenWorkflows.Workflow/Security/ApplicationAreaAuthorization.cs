using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>The caller may reach the application of the route's <c>{id}</c> (<see cref="AreaRule.Application"/>).</summary>
public sealed class ApplicationAreaRequirement : IAuthorizationRequirement
{
    public static readonly ApplicationAreaRequirement Instance = new();
}

/// <summary>The caller's role may send the route's <c>{eventName}</c> (the event's roles; checked by
/// <c>Callbacks/CallbackEventRoleHandler</c>).</summary>
public sealed class CallbackEventRequirement : IAuthorizationRequirement
{
    public static readonly CallbackEventRequirement Instance = new();
}

/// <summary>Refused: the application lies outside the officer's area.</summary>
public sealed class OutsideAreaFailure(IAuthorizationHandler handler, Caller officer, ApplicationArea application)
    : AuthorizationFailureReason(handler, OfficerArea.RefusalDetail(officer, application))
{
    public Caller Officer { get; } = officer;

    public ApplicationArea Application { get; } = application;
}

/// <summary>Refused: a kiosk asked about another kiosk's application (answered as if there were none).</summary>
public sealed class NotOwnApplicationFailure(IAuthorizationHandler handler, string applicationId)
    : AuthorizationFailureReason(handler, $"Application '{applicationId}' was not taken by this kiosk.")
{
    public string ApplicationId { get; } = applicationId;
}

/// <summary>Refused: the caller's role may not send this event.</summary>
public sealed class EventRoleFailure(IAuthorizationHandler handler, string role, string eventName, IReadOnlyCollection<string> allowedRoles)
    : AuthorizationFailureReason(handler, $"Role '{role}' may not send '{eventName}'; allowed: {string.Join(", ", allowedRoles)}.")
{
    public IReadOnlyCollection<string> AllowedRoles { get; } = allowedRoles;
}

/// <summary>
/// Resource-based check of <see cref="ApplicationAreaRequirement"/> (the resource is the request): an area-bound
/// officer reaches only applications of their area, a kiosk only its own; every other role passes. The area comes
/// from the projection row, or, before the workflow's first transition wrote it, from the workflow's input. An id
/// that names no application passes, so the endpoint answers 404 as it does for everyone.
/// </summary>
public sealed class ApplicationAreaHandler(ApplicationProjection projection)
    : AuthorizationHandler<ApplicationAreaRequirement, HttpContext>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ApplicationAreaRequirement requirement, HttpContext resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        if (CallerClaims.FromPrincipal(context.User) is not { } caller)
        {
            return;
        }

        bool kiosk = caller.Role == Roles.Kiosk;
        if (!kiosk && !OfficerArea.IsBound(caller))
        {
            context.Succeed(requirement);
            return;
        }

        if (resource.GetRouteValue("id") is not string id || !ApplicationIds.IsWellFormed(id)
            || await FindAsync(resource, id) is not { } area)
        {
            context.Succeed(requirement);
            return;
        }

        if (kiosk ? area.KioskId == caller.Principal : OfficerArea.Covers(caller, area))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(kiosk ? new NotOwnApplicationFailure(this, id) : new OutsideAreaFailure(this, caller, area));
        }
    }

    async Task<ApplicationArea?> FindAsync(HttpContext http, string id)
    {
        if (await projection.GetAreaAsync(id, http.RequestAborted) is { } area)
        {
            return area;
        }

        // Not projected yet (the journal writes the row at the first wait): the workflow's input says where it was taken.
        DurableTaskClient? client = http.Items[typeof(DurableTaskClient)] as DurableTaskClient ?? http.RequestServices.GetService<DurableTaskClient>();
        OrchestrationMetadata? instance = client is null ? null : await client.GetInstanceAsync(id, getInputsAndOutputs: true, http.RequestAborted);
        return instance?.ReadInputAs<CardApplicationInput>() is { } input ? ApplicationArea.Of(input.Header, stage: null) : null;
    }
}
