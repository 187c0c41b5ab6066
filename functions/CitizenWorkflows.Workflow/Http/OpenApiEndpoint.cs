using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Http;

/// <summary><c>GET /api/v1/openapi.json</c>: the API contract (docs/openapi.json), for any authenticated caller.</summary>
public static class OpenApiEndpoint
{
    /// <summary>The document as kept in the repository.</summary>
    public static byte[] Document { get; } = Load();

    /// <summary>Authorised by the route's rule (<see cref="RouteRules"/>).</summary>
    public static IResult Handle(HttpRequest request) => Results.Bytes(Document, "application/json");

    static byte[] Load()
    {
        using Stream stream = typeof(OpenApiEndpoint).Assembly.GetManifestResourceStream("openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded in the Workflow assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
