using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CitizenWorkflows.KioskClient;

/// <summary>
/// One application as a kiosk sends it: the <c>application</c> JSON part, the portrait, fingerprints by ISO finger
/// position (1–10) and supporting documents, as the multipart/form-data body of <c>POST /api/v1/applications</c>.
/// </summary>
public sealed class ApplicationUpload
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The application form; serialised as JSON with camelCase names.</summary>
    public required object Application { get; init; }

    public required byte[] Portrait { get; init; }

    /// <summary>ISO/IEC 19794-2 minutiae templates or PNG images, by finger position 1–10.</summary>
    public IReadOnlyDictionary<int, byte[]> Fingerprints { get; init; } = new Dictionary<int, byte[]>();

    /// <summary>PDF or JPEG supporting documents, sent as document-1, document-2, …</summary>
    public IReadOnlyList<byte[]> Documents { get; init; } = [];

    /// <summary>The multipart body. Declared types are informative only: the server decides types by content.</summary>
    public MultipartFormDataContent ToContent()
    {
        var content = new MultipartFormDataContent();
        var application = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(Application, JsonSerializerOptions.Web));
        application.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Add(application, "application");
        content.Add(File(Portrait, "application/octet-stream"), "portrait", "portrait");
        foreach ((int position, byte[] bytes) in Fingerprints.OrderBy(f => f.Key))
        {
            string name = "fingerprint-" + position.ToString("00", CultureInfo.InvariantCulture);
            content.Add(File(bytes, "application/octet-stream"), name, name);
        }

        for (int i = 0; i < Documents.Count; i++)
        {
            string name = "document-" + (i + 1).ToString(CultureInfo.InvariantCulture);
            content.Add(File(Documents[i], "application/octet-stream"), name, name);
        }

        return content;
    }

    static ByteArrayContent File(byte[] bytes, string type)
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(type);
        return part;
    }
}

public static class ApplicationUploadExtensions
{
    /// <summary>
    /// Submits an application. Send the same <paramref name="idempotencyKey"/> on every retry of this application (after
    /// a timeout, a dropped connection): the server answers with the application it created the first time.
    /// </summary>
    public static async Task<HttpResponseMessage> SubmitApplicationAsync(
        this HttpClient client, ApplicationUpload upload, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(upload);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/applications", UriKind.Relative)) { Content = upload.ToContent() };
        request.Headers.Add(ApplicationUpload.IdempotencyKeyHeader, idempotencyKey);
        return await client.SendAsync(request, cancellationToken);
    }
}
