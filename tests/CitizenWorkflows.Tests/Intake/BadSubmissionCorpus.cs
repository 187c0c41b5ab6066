using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Security;
using SkiaSharp;

namespace CitizenWorkflows.Tests.Intake;

/// <summary>
/// Distinct bad submissions, each with the answer it must get: status, problem type and, for 422s, the field and
/// rule. Built from one valid upload changed in one way.
/// </summary>
public static class BadSubmissionCorpus
{
    /// <summary>One bad request: how to send it and what must come back.</summary>
    public sealed record BadRequest(string Name, Func<LocalHostProcess, HttpRequestMessage> Build, HttpStatusCode Status, string Problem, string? Field = null, string? Rule = null, Sender Sender = Sender.Kiosk)
    {
        public override string ToString() => Name;
    }

    /// <summary>Who sends the request: the registered kiosk (signing correctly) unless a case is about the sender.</summary>
    public enum Sender
    {
        Kiosk,
        Anonymous,
        WrongSecret,
        SlowClock,
        DisabledKiosk,
        KioskOfAnotherProvince,

        /// <summary>The registered kiosk, its client sending header values as UTF-8 (as a misconfigured kiosk might).</summary>
        Utf8Headers,
    }

    static readonly Lazy<byte[]> WidePortrait = new(() =>
    {
        using var bitmap = new SKBitmap(new SKImageInfo(12_000, 400, SKColorType.Gray8));
        bitmap.Erase(SKColors.Gray);
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 9);
        return png.ToArray();
    });

    static readonly Lazy<byte[]> PixelBomb = new(() =>
    {
        // 48 megapixels of one grey: a few dozen kilobytes on the wire, 48 MB once decoded.
        using var bitmap = new SKBitmap(new SKImageInfo(8000, 6000, SKColorType.Gray8));
        bitmap.Erase(SKColors.Gray);
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 9);
        return png.ToArray();
    });

    static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

    public static IEnumerable<BadRequest> All()
    {
        // Who is asking.
        yield return new("unsigned request", h => Upload(h, Samples.Upload()), HttpStatusCode.Unauthorized, "kiosk-signature-missing", Sender: Sender.Anonymous);
        yield return new("the kiosk's API key instead of a signature", h => WithApiKey(Upload(h, Samples.Upload()), LocalHostProcess.Keys[Roles.Kiosk].Key), HttpStatusCode.Unauthorized, "kiosk-signature-missing", Sender: Sender.Anonymous);
        yield return new("signed with the wrong secret", h => Upload(h, Samples.Upload()), HttpStatusCode.Unauthorized, "kiosk-signature-invalid", Sender: Sender.WrongSecret);
        yield return new("signed ten minutes ago", h => Upload(h, Samples.Upload()), HttpStatusCode.Unauthorized, "kiosk-signature-expired", Sender: Sender.SlowClock);
        yield return new("disabled kiosk", h => Upload(h, Samples.Upload()), HttpStatusCode.Forbidden, "kiosk-disabled", Sender: Sender.DisabledKiosk);
        yield return new("applicant outside the kiosk's province", h => Upload(h, Samples.Upload()), HttpStatusCode.Forbidden, "kiosk-area", Sender: Sender.KioskOfAnotherProvince);

        // The idempotency key.
        yield return new("no Idempotency-Key", h => Upload(h, Samples.Upload(), key: null), HttpStatusCode.BadRequest, "idempotency-key-required");
        yield return new("Idempotency-Key of 129 characters", h => Upload(h, Samples.Upload(), key: new string('k', 129)), HttpStatusCode.BadRequest, "idempotency-key-required");
        yield return new("Idempotency-Key with non-ASCII letters", h => Upload(h, Samples.Upload(), key: "khóa-tiếng-việt"), HttpStatusCode.BadRequest, "idempotency-key-required", Sender: Sender.Utf8Headers);
        yield return new("Idempotency-Key with a space", h => Upload(h, Samples.Upload(), key: "two words"), HttpStatusCode.BadRequest, "idempotency-key-required");

        // The envelope.
        yield return new("JSON instead of multipart", h => Raw(h, new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        yield return new("multipart without a boundary", h => Raw(h, Typed("x"u8.ToArray(), "multipart/form-data")), HttpStatusCode.BadRequest, "malformed-multipart");
        yield return new("multipart cut short", h => Raw(h, Truncated(Samples.Upload())), HttpStatusCode.BadRequest, "malformed-multipart");
        yield return new("part without a name", h => Raw(h, Typed(Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"), "multipart/form-data; boundary=b")), HttpStatusCode.BadRequest, "malformed-multipart");
        yield return new("body over the request limit", h => ExpectContinue(Raw(h, Typed(new byte[SubmissionParts.MaxRequestBytes + 1], "multipart/form-data; boundary=b"))), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        yield return new("unknown part", h => Upload(h, Samples.Upload(), extra: ("selfie", Samples.PortraitPng)), HttpStatusCode.UnprocessableEntity, "validation", "selfie", "parts.unknown");
        yield return new("portrait twice", h => Upload(h, Samples.Upload(), extra: ("portrait", Samples.PortraitPng)), HttpStatusCode.UnprocessableEntity, "validation", "portrait", "parts.duplicate");
        yield return new("fingerprint position 11", h => Upload(h, Samples.Upload(), extra: ("fingerprint-11", Samples.PortraitPng)), HttpStatusCode.UnprocessableEntity, "validation", "fingerprint-11", "parts.unknown");
        yield return new("a fifth document", h => Upload(h, Samples.Upload(), extra: ("document-5", Pdf)), HttpStatusCode.UnprocessableEntity, "validation", "document-5", "parts.unknown");
        yield return new("no application part", h => Raw(h, WithoutApplication()), HttpStatusCode.UnprocessableEntity, "validation", "application", "required");

        // The application part as JSON.
        yield return new("application part not JSON", h => Upload(h, Samples.Upload(), application: "type=new"u8.ToArray()), HttpStatusCode.BadRequest, "malformed-json");
        yield return new("application part with an unknown field", h => Upload(h, Samples.Upload(), application: Json(Samples.Form(), """"colour":"red","""")), HttpStatusCode.BadRequest, "malformed-json");
        yield return new("application part with applicant.fullName twice", h => Upload(h, Samples.Upload(), application: DuplicateFullName()), HttpStatusCode.BadRequest, "malformed-json");
        yield return new("application part with a member twice at the top", h => Upload(h, Samples.Upload(), application: Json(Samples.Form(), "\"type\":\"new\",")), HttpStatusCode.BadRequest, "malformed-json");
        yield return new("application part not UTF-8", h => Upload(h, Samples.Upload(), application: NotUtf8()), HttpStatusCode.BadRequest, "malformed-json");
        yield return new("application part is JSON null", h => Upload(h, Samples.Upload(), application: "null"u8.ToArray()), HttpStatusCode.BadRequest, "malformed-json");
        yield return new("application part over 64 KiB", h => Upload(h, Samples.Upload(), application: new byte[SubmissionParts.MaxApplicationBytes + 1]), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");

        // Files, judged by content.
        yield return new("an 8x8 portrait", h => Upload(h, Samples.Upload(portrait: Samples.PortraitScaled(8, 8))), HttpStatusCode.UnprocessableEntity, "validation", "portrait", "portrait.dimensions");
        yield return new("a portrait 12,000 pixels wide", h => Upload(h, Samples.Upload(portrait: WidePortrait.Value)), HttpStatusCode.UnprocessableEntity, "validation", "portrait", "portrait.dimensions");
        yield return new("no portrait", h => Raw(h, WithoutPortrait()), HttpStatusCode.UnprocessableEntity, "validation", "portrait", "required");
        yield return new("PDF sent as the portrait", h => Upload(h, Samples.Upload(portrait: Pdf)), HttpStatusCode.UnprocessableEntity, "validation", "portrait", "portrait.content-type");
        yield return new("truncated PNG portrait", h => Upload(h, Samples.Upload(portrait: Samples.PortraitPng[..200])), HttpStatusCode.UnprocessableEntity, "validation", "portrait", "portrait.decodes");
        yield return new("decompression-bomb portrait", h => Upload(h, Samples.Upload(portrait: PixelBomb.Value)), HttpStatusCode.UnprocessableEntity, "validation", "portrait", "portrait.pixels");
        yield return new("portrait over 4 MiB", h => Upload(h, Samples.Upload(portrait: new byte[SubmissionParts.MaxPortraitBytes + 1])), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        yield return new("fingerprint that is a JPEG", h => Upload(h, WithPrints(), extra: ("fingerprint-02", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0])), HttpStatusCode.UnprocessableEntity, "validation", "fingerprint-02", "fingerprint.content-type");
        yield return new("minutiae template with a wrong length", h => Upload(h, WithPrints(), extra: ("fingerprint-03", [.. "FMR\0 20\0"u8, 0, 0, 0, 99, 0, 0])), HttpStatusCode.UnprocessableEntity, "validation", "fingerprint-03", "fingerprint.template-length");
        yield return new("SVG as a document", h => Upload(h, Samples.Upload(), extra: ("document-1", "<svg></svg>"u8.ToArray())), HttpStatusCode.UnprocessableEntity, "validation", "document-1", "document.content-type");
        yield return new("PDF without its end", h => Upload(h, Samples.Upload(), extra: ("document-1", "%PDF-1.7\n1 0 obj"u8.ToArray())), HttpStatusCode.UnprocessableEntity, "validation", "document-1", "document.pdf-complete");

        // The form's rules.
        yield return Rule("no type", f => f with { Type = null }, "type", "required");
        yield return Rule("unknown type", f => f with { Type = "upgrade" }, "type", "type.allowed");
        yield return Rule("renewal without the current card", f => f with { CurrentCardNumber = null }, "currentCardNumber", "current-card.required");
        yield return Rule("reissue without a reason", f => f with { Type = "reissue", CurrentCardNumber = null }, "reissueReason", "reissue-reason.required");
        yield return Rule("birth date in the future", f => Applicant(f, a => a with { DateOfBirth = "2099-01-01" }), "applicant.dateOfBirth", "date.not-in-future");
        yield return Rule("birth date in another format", f => Applicant(f, a => a with { DateOfBirth = "15/08/1994" }), "applicant.dateOfBirth", "date.format");
        yield return Rule("unknown sex", f => Applicant(f, a => a with { Sex = "unknown" }), "applicant.sex", "sex.allowed");
        yield return Rule("unknown birth province", f => Applicant(f, a => a with { BirthProvinceCode = "003" }), "applicant.birthProvinceCode", "province.known");
        yield return Rule("personal number of another century", f => Applicant(f, a => a with { PersonalNumber = "079394001234" }), "applicant.personalNumber", "personal-number.century");
        yield return Rule("personal number of the other sex", f => Applicant(f, a => a with { PersonalNumber = "079094001234" }), "applicant.personalNumber", "personal-number.sex");
        yield return Rule("personal number of another province", f => Applicant(f, a => a with { PersonalNumber = "001194001234" }), "applicant.personalNumber", "personal-number.birth-province");
        yield return Rule("personal number of 11 digits", f => Applicant(f, a => a with { PersonalNumber = "07919400123" }), "applicant.personalNumber", "personal-number.format");
        yield return Rule("digits in the name", f => Applicant(f, a => a with { FullName = "Tr4n Thi Hanh" }), "applicant.fullName", "name.characters");
        yield return Rule("a 10,000-character name", f => Applicant(f, a => a with { FullName = new string('a', 10_000) }), "applicant.fullName", "name.length");
        yield return Rule("a 20,000-character address", f => Applicant(f, a => a with { PermanentResidence = a.PermanentResidence! with { Address = new string('x', 20_000) } }), "applicant.permanentResidence.address", "address.length");
        yield return Rule("no capture", f => f with { Capture = null }, "capture", "required");
        yield return Rule("captured tomorrow", f => f with { Capture = f.Capture! with { PortraitCapturedAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O", CultureInfo.InvariantCulture) } }, "capture.portraitCapturedAt", "timestamp.not-in-future");
        yield return new("fingerprints of a five-year-old", h => Upload(h, Samples.Upload(ChildWithPrints()), extra: ("fingerprint-01", Samples.PortraitPng)), HttpStatusCode.UnprocessableEntity, "validation", "fingerprints", "fingerprints.age");
    }

    static BadRequest Rule(string name, Func<ApplicationSubmission, ApplicationSubmission> change, string field, string rule) =>
        new(name, h => Upload(h, Samples.Upload(change(Samples.Form()))), HttpStatusCode.UnprocessableEntity, "validation", field, rule);

    static ApplicationSubmission Applicant(ApplicationSubmission form, Func<ApplicantFields, ApplicantFields> change) =>
        form with { Applicant = change(form.Applicant!) };

    static ApplicationUpload WithPrints() =>
        Samples.Upload(Samples.Form() with { Capture = Samples.Form().Capture! with { FingerprintsCapturedAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) } });

    static ApplicationSubmission ChildWithPrints() => Samples.Form(
        a => a with { DateOfBirth = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), PersonalNumber = null },
        type: "new") with { Capture = Samples.Form().Capture! with { FingerprintsCapturedAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) } };

    /// <summary>A kiosk's upload, optionally with the application part replaced and extra parts appended.</summary>
    static HttpRequestMessage Upload(LocalHostProcess host, ApplicationUpload upload, string? key = "corpus-key", byte[]? application = null, (string Name, byte[] Bytes)? extra = null)
    {
        MultipartFormDataContent content = upload.ToContent();
        if (application is not null)
        {
            content = Replace(content, "application", application);
        }

        if (extra is { } part)
        {
            content.Add(new ByteArrayContent(part.Bytes), part.Name, part.Name);
        }

        return Raw(host, content, key);
    }

    static HttpRequestMessage Raw(LocalHostProcess host, HttpContent content, string? key = "corpus-key")
    {
        _ = host;
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/applications", UriKind.Relative)) { Content = content };
        if (key is not null)
        {
            request.Headers.Add(ApplicationUpload.IdempotencyKeyHeader, key);
        }

        return request;
    }

    /// <summary>The server refuses by Content-Length before reading; 100-continue lets the client hear it instead of a
    /// broken pipe.</summary>
    static HttpRequestMessage ExpectContinue(HttpRequestMessage request)
    {
        request.Headers.ExpectContinue = true;
        return request;
    }

    static HttpRequestMessage WithApiKey(HttpRequestMessage request, string key)
    {
        request.Headers.Add(SecurityOptions.ApiKeyHeader, key);
        return request;
    }

    static ByteArrayContent Typed(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    static ByteArrayContent Truncated(ApplicationUpload upload)
    {
        using MultipartFormDataContent full = upload.ToContent();
        byte[] bytes = full.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        return Typed(bytes[..(bytes.Length / 2)], full.Headers.ContentType!.ToString());
    }

    static MultipartFormDataContent WithoutApplication()
    {
        var content = new MultipartFormDataContent { { new ByteArrayContent(Samples.PortraitPng), "portrait", "portrait" } };
        return content;
    }

    static MultipartFormDataContent WithoutPortrait()
    {
        var application = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(Samples.Form(), JsonSerializerOptions.Web));
        application.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new MultipartFormDataContent { { application, "application" } };
    }

    static MultipartFormDataContent Replace(MultipartFormDataContent content, string name, byte[] bytes)
    {
        var replaced = new MultipartFormDataContent();
        foreach (HttpContent part in content)
        {
            string partName = part.Headers.ContentDisposition?.Name?.Trim('"') ?? "";
            replaced.Add(partName == name ? new ByteArrayContent(bytes) : part, partName);
        }

        return replaced;
    }

    /// <summary>The sample form with a second <c>fullName</c> member inside <c>applicant</c>.</summary>
    static byte[] DuplicateFullName()
    {
        string json = JsonSerializer.Serialize(Samples.Form(), JsonSerializerOptions.Web);
        int applicant = json.IndexOf("\"applicant\":{", StringComparison.Ordinal) + "\"applicant\":{".Length;
        return Encoding.UTF8.GetBytes(json[..applicant] + "\"fullName\":\"Nguyễn Văn Khác\"," + json[applicant..]);
    }

    /// <summary>The sample form with a byte sequence that is not UTF-8 inside a string.</summary>
    static byte[] NotUtf8()
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(Samples.Form(), JsonSerializerOptions.Web);
        int at = json.AsSpan().IndexOf("Kinh"u8);
        json[at] = 0xC3;
        json[at + 1] = 0x28;
        return json;
    }

    static byte[] Json(ApplicationSubmission form, string insertAfterBrace) =>
        Encoding.UTF8.GetBytes("{" + insertAfterBrace + JsonSerializer.Serialize(form, JsonSerializerOptions.Web)[1..]);
}
