using System.Text;
using System.Text.Json;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CitizenWorkflows.Tests.Intake;

/// <summary>The application part is parsed strictly and stored canonically: what the rules accepted is what is kept.</summary>
public sealed class StrictApplicationParsingTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Theory]
    [InlineData("""{"type":"renewal","type":"new"}""", "$.type")]
    [InlineData("""{"applicant":{"fullName":"Trần Thị Hạnh","fullName":"Nguyễn Văn Khác"}}""", "$.applicant.fullName")]
    [InlineData("""{"capture":{"location":"a","latitude":1,"latitude":2}}""", "$.capture.latitude")]
    public async Task A_member_sent_twice_is_refused_naming_the_part_and_path(string json, string path)
    {
        (ApplicationSubmission? value, IResult? problem) = RequestBody.ParseJson<ApplicationSubmission>(Encoding.UTF8.GetBytes(json), SubmissionParts.Application);
        Assert.Null(value);
        JsonElement body = await ProblemOf(problem!);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal("urn:citizenworkflows:problem:malformed-json", body.GetProperty("type").GetString());
        Assert.Equal(SubmissionParts.Application, body.GetProperty("part").GetString());
        string detail = body.GetProperty("detail").GetString()!;
        Assert.Contains("Part 'application'", detail, StringComparison.Ordinal);
        Assert.Contains(path, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Khác", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_are_not_UTF8_are_refused_naming_the_part()
    {
        byte[] json = [.. "{\"applicant\":{\"fullName\":\"Tr"u8, 0xC3, 0x28, .. "n\"}}"u8];
        (ApplicationSubmission? value, IResult? problem) = RequestBody.ParseJson<ApplicationSubmission>(json, SubmissionParts.Application);
        Assert.Null(value);
        JsonElement body = await ProblemOf(problem!);
        Assert.Contains("not valid UTF-8", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(SubmissionParts.Application, body.GetProperty("part").GetString());
    }

    [Fact]
    public void The_stored_application_is_the_canonical_form_the_rules_accepted()
    {
        string decomposed = "  Trần   Thị Hạnh ".Normalize(NormalizationForm.FormD);
        ApplicationSubmission sent = Samples.Form(a => a with { FullName = decomposed, Religion = "   ", Ethnicity = " Kinh " });
        (ValidSubmission? valid, IReadOnlyList<FieldError> errors) = SubmissionRules.Validate(sent, Samples.Parts(sent), Now);
        Assert.Empty(errors);

        IntakeDocument stored = valid!.Documents[0];
        Assert.Equal(SubmissionParts.ApplicationDocument, stored.Name);
        ApplicationSubmission kept = JsonSerializer.Deserialize<ApplicationSubmission>(stored.Content, JsonSerializerOptions.Web)!;
        Assert.Equal("Trần Thị Hạnh", kept.Applicant!.FullName);
        Assert.True(kept.Applicant.FullName!.IsNormalized(NormalizationForm.FormC));
        Assert.Equal(valid.Applicant.FullName, kept.Applicant.FullName);
        Assert.Equal("Kinh", kept.Applicant.Ethnicity);
        Assert.Null(kept.Applicant.Religion);

        // Canonical: stable under a round trip, no nulls written, Vietnamese letters unescaped.
        Assert.Equal(stored.Content, CanonicalApplication.Bytes(kept));
        string text = Encoding.UTF8.GetString(stored.Content);
        Assert.DoesNotContain("null", text, StringComparison.Ordinal);
        Assert.Contains("Trần Thị Hạnh", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_form_sent_in_two_spellings_is_stored_as_the_same_bytes()
    {
        ApplicationSubmission composed = Samples.Form();
        ApplicationSubmission spaced = Samples.Form(a => a with { FullName = " " + a.FullName!.Normalize(NormalizationForm.FormD) + "  ", Nationality = "Việt  Nam" }) with
        {
            Capture = composed.Capture,
        };
        Assert.Equal(CanonicalApplication.Bytes(composed), CanonicalApplication.Bytes(spaced));
    }

    static async Task<JsonElement> ProblemOf(IResult result)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().AddSingleton(NullLoggerFactory.Instance).BuildServiceProvider(),
        };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return JsonSerializer.Deserialize<JsonElement>(body.ToArray());
    }
}
