using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CitizenWorkflows.Workflow.Http;

/// <summary>RFC 9457 problem details (<c>application/problem+json</c>) for every error the API returns.</summary>
public static class Problems
{
    public const string TypePrefix = "urn:citizenworkflows:problem:";

    public static IResult Status(int status, string slug, string title, string detail) =>
        Results.Problem(Details(status, slug, title, detail));

    /// <summary>A problem with machine-readable members beside the human-readable detail.</summary>
    public static IResult Status(int status, string slug, string title, string detail, IReadOnlyDictionary<string, object?> extensions)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        ProblemDetails problem = Details(status, slug, title, detail);
        foreach ((string name, object? value) in extensions)
        {
            problem.Extensions[name] = value;
        }

        return Results.Problem(problem);
    }

    static ProblemDetails Details(int status, string slug, string title, string detail) =>
        new() { Status = status, Type = TypePrefix + slug, Title = title, Detail = detail };

    /// <summary>
    /// 400 naming each query parameter the route does not take (a misspelt filter must not widen a search silently),
    /// listed under <c>errors</c> like a validation problem, with the parameters the route does take.
    /// </summary>
    public static IResult UnknownParameters(IEnumerable<string> names, IEnumerable<string> known)
    {
        string[] unknown = [.. names];
        string accepted = string.Join(", ", known);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = TypePrefix + "unknown-parameter",
            Title = "Unknown query parameter",
            Detail = $"This route does not take {string.Join(", ", unknown.Select(n => $"'{n}'"))}; it takes {accepted}.",
        };
        problem.Extensions["errors"] = unknown.ToDictionary(
            n => n, n => new[] { new { rule = "parameter.known", message = $"'{n}' is not a parameter of this route; it takes {accepted}." } }, StringComparer.Ordinal);
        return Results.Problem(problem);
    }

    /// <summary>422 with every broken rule at once, grouped by field (JSON path of the request body).</summary>
    public static IResult Validation(IEnumerable<FieldError> errors)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Type = TypePrefix + "validation",
            Title = "The request breaks validation rules",
            Detail = "See 'errors': each field lists the rules it broke.",
        };
        problem.Extensions["errors"] = errors
            .GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => new { rule = e.Rule, message = e.Message }).ToArray(), StringComparer.Ordinal);
        return Results.Problem(problem);
    }
}

/// <summary>A field of the request and the named rule it broke.</summary>
public sealed record FieldError(string Field, string Rule, string Message);
