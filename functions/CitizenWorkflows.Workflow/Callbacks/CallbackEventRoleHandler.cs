using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CitizenWorkflows.Workflow.Callbacks;

/// <summary>
/// Resource-based check of <see cref="CallbackEventRequirement"/>: the route's <c>{eventName}</c> decides the roles
/// (partner events their partner, officer events an officer; the officer's area is the
/// <see cref="ApplicationAreaRequirement"/>'s). An unknown event passes, to be answered 409 <c>unknown-event</c>.
/// </summary>
public sealed class CallbackEventRoleHandler(CallbackEvents events) : AuthorizationHandler<CallbackEventRequirement, HttpContext>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CallbackEventRequirement requirement, HttpContext resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        if (CallerClaims.FromPrincipal(context.User) is not { } caller)
        {
            return Task.CompletedTask;
        }

        if (resource.GetRouteValue("eventName") is string name && events.All.TryGetValue(name, out CallbackEvent? definition)
            && !definition.Roles.Contains(caller.Role))
        {
            context.Fail(new EventRoleFailure(this, caller.Role, definition.Name, definition.Roles));
        }
        else
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
