using System.Globalization;
using System.Text.Json;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Campaign.Sessions;

/// <summary>
/// <c>/v1/campaign/sessions</c>: officers create and change the intake sessions of their area, and list them by
/// province and day. Authorised by the route's rule (<see cref="RouteRules"/>, area rule <see cref="AreaRule.CampaignPlace"/>):
/// an area-bound officer reaches only sessions in their area, checked here against the session's place.
/// </summary>
public sealed class IntakeSessionEndpoints(IntakeSessions sessions)
{
    const long MaxBodyBytes = 16 * 1024;
    static readonly string[] ListParameters = ["province", "date", "district", "commune"];

    public async Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        Caller caller = CallerClaims.Of(request);
        (CreateIntakeSession? body, IResult? problem) = await RequestBody.ReadJsonAsync<CreateIntakeSession>(request, MaxBodyBytes, allowEmpty: false, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        (IReadOnlyList<FieldError> errors, CampaignPlace place, DateOnly date, IReadOnlyList<SessionSlot> slots) = body.Validate();
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (!place.IsWithin(caller))
        {
            return place.OutsideArea(caller, "the session");
        }

        IntakeSession session = await sessions.CreateAsync(body.Kind!.Value, place, date, body.Venue, slots, caller.Principal, cancellationToken);
        return Results.Json(session, JsonSerializerOptions.Web, statusCode: StatusCodes.Status201Created);
    }

    public async Task<IResult> GetAsync(HttpRequest request, string sessionId, CancellationToken cancellationToken)
    {
        Caller caller = CallerClaims.Of(request);
        if (await sessions.GetAsync(sessionId, cancellationToken) is not { } session)
        {
            return NotFound(sessionId);
        }

        return session.Place.IsWithin(caller) ? Results.Json(session, JsonSerializerOptions.Web) : session.Place.OutsideArea(caller, $"session '{sessionId}'");
    }

    public async Task<IResult> ChangeAsync(HttpRequest request, string sessionId, CancellationToken cancellationToken)
    {
        Caller caller = CallerClaims.Of(request);
        if (await sessions.GetAsync(sessionId, cancellationToken) is not { } session)
        {
            return NotFound(sessionId);
        }

        // The area decides before the body: an officer of another province learns nothing from a validation answer.
        if (!session.Place.IsWithin(caller))
        {
            return session.Place.OutsideArea(caller, $"session '{sessionId}'");
        }

        (ChangeIntakeSession? body, IResult? problem) = await RequestBody.ReadJsonAsync<ChangeIntakeSession>(request, MaxBodyBytes, allowEmpty: false, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        IReadOnlyList<FieldError> errors = body.Validate(session.Slots.Count);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        IReadOnlyList<int> refused = await sessions.ChangeCapacitiesAsync(sessionId, body.Capacities!, cancellationToken);
        if (refused.Count > 0)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "seats-taken", "Seats that would go are booked",
                $"Slot(s) {string.Join(", ", refused)} of session '{sessionId}' have bookings beyond the new capacity; move or cancel them first. Other slots were changed.",
                new Dictionary<string, object?> { ["sessionId"] = sessionId, ["slots"] = refused });
        }

        return Results.Json(await sessions.GetAsync(sessionId, cancellationToken), JsonSerializerOptions.Web);
    }

    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Caller caller = CallerClaims.Of(request);
        string[] unknown = [.. request.Query.Keys.Where(k => !ListParameters.Contains(k, StringComparer.Ordinal))];
        if (unknown.Length > 0)
        {
            return Problems.UnknownParameters(unknown, ListParameters);
        }

        string? province = request.Query["province"].FirstOrDefault() ?? (OfficerArea.IsBound(caller) ? caller.Province : null);
        string? district = request.Query["district"].FirstOrDefault();
        string? commune = request.Query["commune"].FirstOrDefault();
        var errors = CampaignPlace.Validate(province, district, commune).ToList();
        if (!DateOnly.TryParseExact(request.Query["date"].FirstOrDefault(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            errors.Add(new FieldError("date", "date.format", "The date is required as yyyy-MM-dd."));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        // An area-bound officer lists their own area: the filter narrows to it, another province is refused.
        if (OfficerArea.IsBound(caller))
        {
            if (caller.Province is not null && caller.Province != province)
            {
                return new CampaignPlace(province!, district, commune).OutsideArea(caller, "the list asked for");
            }

            district = caller.District ?? district;
            commune = caller.Commune ?? commune;
        }

        IReadOnlyList<IntakeSession> found = await sessions.ListAsync(province!, date, district, commune, cancellationToken);
        return Results.Json(new { province, date, sessions = found }, JsonSerializerOptions.Web);
    }

    static IResult NotFound(string sessionId) =>
        Problems.Status(StatusCodes.Status404NotFound, "not-found", "No such session", $"There is no intake session '{sessionId}'.");
}
