using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CitizenWorkflows.Workflow.Callbacks;

/// <summary>The JSON body of an event callback; which fields matter depends on the event.</summary>
public sealed record CallbackBody
{
    /// <summary>approval-decision: "approve" or "reject".</summary>
    public string? Decision { get; init; }

    public string? Reason { get; init; }

    public string? Reference { get; init; }

    public string? Recipient { get; init; }

    /// <summary>Partner callbacks: the attempt number of the work order answered (optional; echoes the order's).</summary>
    public int? Attempt { get; init; }

    /// <summary>adjudication-decision with "duplicate": the earlier application of the same person.</summary>
    public string? DuplicateOf { get; init; }

    /// <summary>biometric-result: the earlier applicants the external matcher found (empty when none).</summary>
    public IReadOnlyList<CandidateBody>? Candidates { get; init; }
}

/// <summary>One candidate in a biometric-result body.</summary>
public sealed record CandidateBody(string? ApplicationId, double? Score);

/// <summary>
/// One event the API accepts: who may send it and how its body becomes the payload the workflow receives. The stage
/// that waits for the event declares it and registers it with <see cref="CallbackEventServices.AddCallbackEvents"/>.
/// </summary>
public sealed record CallbackEvent(string Name, IReadOnlyCollection<string> Roles, Func<CallbackBody, Caller, List<FieldError>, object?> ToPayload);

/// <summary>Every event the API accepts, by name, in the order the stages registered them (the unknown-event answer
/// lists them so).</summary>
public sealed class CallbackEvents
{
    public CallbackEvents(IEnumerable<CallbackEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var all = new Dictionary<string, CallbackEvent>(StringComparer.Ordinal);
        foreach (CallbackEvent callback in events)
        {
            // A stage registered twice adds nothing; two stages claiming one event is a mistake.
            if (all.TryGetValue(callback.Name, out CallbackEvent? known) && !ReferenceEquals(known, callback))
            {
                throw new InvalidOperationException($"The callback event '{callback.Name}' is registered twice.");
            }

            all.TryAdd(callback.Name, callback);
        }

        All = all;
    }

    public IReadOnlyDictionary<string, CallbackEvent> All { get; }
}

public static class CallbackEventServices
{
    /// <summary>Adds a stage's events to the callback API (<c>POST /api/v1/applications/{id}/events/{eventName}</c>).</summary>
    public static IServiceCollection AddCallbackEvents(this IServiceCollection services, params CallbackEvent[] events)
    {
        ArgumentNullException.ThrowIfNull(events);
        services.TryAddSingleton<CallbackEvents>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, CallbackEventRoleHandler>());
        foreach (CallbackEvent callback in events)
        {
            services.AddSingleton(callback);
        }

        return services;
    }
}

/// <summary>The checks of body fields that several events share.</summary>
public static class CallbackFields
{
    /// <summary>The verdict the <c>decision</c> field names (case-insensitive), or null with the error added.</summary>
    public static T? Verdict<T>(string? decision, List<FieldError> errors, params (string Text, T Value)[] allowed)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(allowed);
        foreach ((string text, T value) in allowed)
        {
            if (string.Equals(decision, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        errors.Add(new("decision", decision is null ? "required" : "decision.allowed", $"must be {string.Join(" or ", allowed.Select(a => a.Text))}"));
        return null;
    }

    public static void CheckLength(string? value, string field, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is { Length: > 500 })
        {
            errors.Add(new(field, $"{field}.length", "may be at most 500 characters"));
        }
    }
}

/// <summary>The events of a partner step (<see cref="PartnerHandoff"/>): their body becomes a <see cref="PartnerCallback"/>.</summary>
public static class PartnerCallbacks
{
    /// <param name="failure">A failure report: its <c>reason</c> is required.</param>
    public static CallbackEvent Event(string name, bool failure, params string[] roles) =>
        new(name, roles, (body, caller, errors) => ToCallback(body, caller, errors, failure));

    static PartnerCallback ToCallback(CallbackBody body, Caller caller, List<FieldError> errors, bool failure)
    {
        if (failure && string.IsNullOrWhiteSpace(body.Reason))
        {
            errors.Add(new("reason", "reason.required-for-failure", "is required when reporting a failure"));
        }

        CallbackFields.CheckLength(body.Reason, "reason", errors);
        CallbackFields.CheckLength(body.Reference, "reference", errors);
        CallbackFields.CheckLength(body.Recipient, "recipient", errors);
        if (body.Attempt is < 1 or > 100)
        {
            errors.Add(new("attempt", "attempt.range", "must be the work order's attempt number, 1 to 100"));
        }

        return new PartnerCallback(body.Reference?.Trim(), body.Reason?.Trim(), body.Recipient?.Trim(), caller.Principal, body.Attempt);
    }
}
