using CitizenWorkflows.Workflow.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// Splits a buffered multipart/form-data body into its parts, enforcing the contract's part names and per-part size
/// limits; answers 415, 413, 400 or 422 problem details when it cannot.
/// </summary>
public static class MultipartForm
{
    public static async Task<(IReadOnlyList<SubmittedPart>? Parts, IResult? Problem)> ReadAsync(
        string? contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken, bool requireApplication = true)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type",
                $"Send the application as multipart/form-data (parts: application, portrait, fingerprint-01..10, document-1..{SubmissionParts.MaxDocuments}), not '{contentType ?? "(none)"}'."));
        }

        string boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value ?? "";
        if (boundary.Length is 0 or > 200)
        {
            return (null, Malformed("The multipart/form-data content type has no usable boundary."));
        }

        var parts = new List<SubmittedPart>();
        var errors = new List<FieldError>();
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            var reader = new MultipartReader(boundary, stream) { HeadersLengthLimit = 8 * 1024, BodyLengthLimit = SubmissionParts.MaxDocumentBytes + 1 };
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(HeaderUtilities.RemoveQuotes(disposition.Name).Value))
                {
                    return (null, Malformed("Every part needs a Content-Disposition: form-data header with a name."));
                }

                string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value!;
                int? limit = SubmissionParts.LimitFor(name);
                using var buffer = new MemoryStream();
                await section.Body.CopyToAsync(buffer, cancellationToken);
                if (limit is null)
                {
                    errors.Add(new(name, "parts.unknown", "is not a part of this contract"));
                    continue;
                }

                if (buffer.Length > limit)
                {
                    return (null, Problems.Status(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Part too large",
                        $"Part '{name}' may be at most {limit} bytes."));
                }

                if (parts.Any(p => p.Name == name))
                {
                    errors.Add(new(name, "parts.duplicate", "appears more than once"));
                    continue;
                }

                parts.Add(new SubmittedPart(name, HeaderUtilities.RemoveQuotes(disposition.FileName).Value, section.ContentType, buffer.ToArray()));
            }
        }
        catch (InvalidDataException e)
        {
            // Raised for a body cut short, a missing final boundary or a part over the reader's hard limit.
            return e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase)
                ? (null, Problems.Status(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Part too large",
                    $"A part exceeds the largest part size ({SubmissionParts.MaxDocumentBytes} bytes)."))
                : (null, Malformed("The multipart body is truncated or malformed: " + e.Message));
        }
        catch (IOException e)
        {
            return (null, Malformed("The multipart body is truncated or malformed: " + e.Message));
        }

        if (requireApplication && !parts.Any(p => p.Name == SubmissionParts.Application))
        {
            errors.Add(new(SubmissionParts.Application, "required", "the application part (JSON) is required"));
        }

        return errors.Count > 0 ? (null, Problems.Validation(errors)) : (parts, null);
    }

    static IResult Malformed(string detail) =>
        Problems.Status(StatusCodes.Status400BadRequest, "malformed-multipart", "Malformed multipart body", detail);
}
