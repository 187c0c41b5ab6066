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

        // A member sent twice would let two readers see two different values: refused, never "last one wins".
        AllowDuplicateProperties = false,
    };

    public static async Task<(T? Body, IResult? Problem)> ReadJsonAsync<T>(
        HttpRequest request, long maxBytes, bool allowEmpty, CancellationToken cancellationToken)
        where T : class
    {
        (byte[]? body, IResult? tooLarge) = await ReadBytesAsync(request, maxBytes, cancellationToken);
        if (body is null)
        {
            return (null, tooLarge);
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

        return ParseJson<T>(body);
    }

    /// <summary>
    /// Parses JSON strictly (valid UTF-8 only; unknown or repeated members refused); a failure is a 400 naming the part
    /// and path, never echoing the value.
    /// </summary>
    public static (T? Value, IResult? Problem) ParseJson<T>(ReadOnlySpan<byte> body, string? part = null)
        where T : class
    {
        string where = part is null ? "The body" : $"Part '{part}'";
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return (null, Malformed($"{where} is not valid UTF-8: JSON text must be UTF-8 encoded.", part));
        }

        try
        {
            T? value = JsonSerializer.Deserialize<T>(body, Strict);
            return value is null
                ? (null, Malformed($"{where} is JSON null; an object is required.", part))
                : (value, null);
        }
        catch (JsonException e)
        {
            // JsonException names the path and position but never echoes the body (which may hold personal data).
            return (null, Malformed($"{where} is not valid JSON for this request at {e.Path ?? "$"} (line {e.LineNumber}, byte {e.BytePositionInLine}): {FirstSentence(e.Message)}", part));
        }
    }

    /// <summary>Buffers the body, refusing (413) as soon as it exceeds <paramref name="maxBytes"/>.</summary>
    public static async Task<(byte[]? Body, IResult? Problem)> ReadBytesAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
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

        return (buffer.ToArray(), null);
    }

    static IResult TooLarge(long maxBytes) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Request body too large",
            $"The body may be at most {maxBytes} bytes.");

    static IResult Malformed(string detail, string? part) =>
        part is null
            ? Problems.Status(StatusCodes.Status400BadRequest, "malformed-json", "Malformed JSON", detail)
            : Problems.Status(StatusCodes.Status400BadRequest, "malformed-json", "Malformed JSON", detail, new Dictionary<string, object?> { ["part"] = part });

    static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
