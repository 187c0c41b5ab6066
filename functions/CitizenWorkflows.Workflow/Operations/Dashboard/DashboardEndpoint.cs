using System.Collections.Frozen;
using System.Security.Cryptography;
using CitizenWorkflows.Workflow.Http;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Operations.Dashboard;

/// <summary>
/// <c>GET /api/dashboard</c> and its script and style (<c>/api/dashboard/{asset}</c>): the operators' page, static files embedded in this assembly and
/// served the same by both hosts. Deliberately anonymous: the shell holds no data; everything it shows comes from the
/// API with the key the operator types in. A strict Content-Security-Policy allows only these files and the API.
/// </summary>
public static class DashboardEndpoint
{
    const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    const string Page = "dashboard.html";

    static readonly FrozenDictionary<string, Asset> Assets = new Dictionary<string, Asset>(StringComparer.Ordinal)
    {
        [Page] = Load(Page, "text/html; charset=utf-8"),
        ["dashboard.js"] = Load("dashboard.js", "text/javascript; charset=utf-8"),
        ["dashboard.css"] = Load("dashboard.css", "text/css; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IResult Handle(HttpRequest request, string? asset)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Assets.TryGetValue(asset ?? Page, out Asset? file))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "not-found", "No such file", $"The dashboard has no file '{asset}'.");
        }

        IHeaderDictionary headers = request.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load (cheap with the ETag) so a deployment is seen at once.
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        return request.Headers.IfNoneMatch == file.ETag
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(file.Content, file.ContentType);
    }

    static Asset Load(string name, string contentType)
    {
        using Stream stream = typeof(DashboardEndpoint).Assembly.GetManifestResourceStream("dashboard/" + name)
            ?? throw new InvalidOperationException($"dashboard/{name} is not embedded in the Workflow assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        byte[] content = copy.ToArray();
        return new Asset(content, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16))}\"");
    }

    sealed record Asset(byte[] Content, string ContentType, string ETag);
}
