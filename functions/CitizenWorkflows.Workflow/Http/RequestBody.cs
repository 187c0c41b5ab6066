using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CitizenWorkflows.Workflow.Http;

/// <summary>Reads a JSON request body within a size limit, answering 415/413/400 problem details when it cannot.</summary>
public static class RequestBody
{
    static readonly JsonSerializerOptions Strict = new(JsonSerializerOptions.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static async Task<(T? Body, IResult? Problem)> ReadJsonAsync<T>(
        HttpRequest request, long maxBytes, bool allowEmpty, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        byte[] body;
        using (var buffer = new MemoryStream())
        {
            var chunk = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }

                buffer.Write(chunk, 0, read);
            }

            body = buffer.ToArray();
        }

        if (body.Length == 0 && allowEmpty)
        {
            return (JsonSerializer.Deserialize<T>("{}", Strict), null);
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? mediaType)
            || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                "Unsupported content type", $"Send the body as application/json, not '{request.ContentType ?? "(none)"}'."));
        }

        try
        {
            T? value = JsonSerializer.Deserialize<T>(body, Strict);
            return value is null
                ? (null, Malformed("The body is JSON null; an object is required."))
                : (value, null);
        }
        catch (JsonException e)
        {
            // JsonException names the path and position but never echoes the body (which may hold personal data).
            return (null, Malformed($"The body is not valid JSON for this request at {e.Path ?? "$"} (line {e.LineNumber}, byte {e.BytePositionInLine}): {FirstSentence(e.Message)}"));
        }
    }

    static IResult TooLarge(long maxBytes) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Request body too large",
            $"The body may be at most {maxBytes} bytes.");

    static IResult Malformed(string detail) =>
        Problems.Status(StatusCodes.Status400BadRequest, "malformed-json", "Malformed JSON", detail);

    static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
