using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Operations.Query;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>The query string becomes a storage-side filter; continuation tokens are opaque and bound to their filter.</summary>
public class ApplicationFilterTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_criterion_becomes_a_clause_of_one_OData_filter()
    {
        ApplicationFilter filter = Parse("stage=awaitingapproval&province=079&kiosk=KIOSK-HCM-001&type=Renewal&createdFrom=2026-11-01&createdTo=2026-11-26T09:00:00%2B07:00&overdue=true");

        Assert.Equal(
            "Stage eq 'AwaitingApproval' and Province eq '079' and KioskId eq 'KIOSK-HCM-001' and Type eq 'Renewal'"
            + " and CreatedAt ge datetime'2026-11-01T00:00:00Z' and CreatedAt lt datetime'2026-11-26T02:00:00Z'"
            + " and (DueAt lt datetime'2026-11-26T08:00:00Z' and " + string.Join(" and ", FinalStages.Select(s => $"Stage ne '{s}'")) + ")",
            filter.ToTableFilter(Now));
    }

    [Fact]
    public void Not_overdue_means_due_later_or_finished()
    {
        Assert.Equal(
            "(DueAt ge datetime'2026-11-26T08:00:00Z' or " + string.Join(" or ", FinalStages.Select(s => $"Stage eq '{s}'")) + ")",
            Parse("overdue=false").ToTableFilter(Now));
        Assert.Null(Parse("").ToTableFilter(Now));
    }

    [Fact]
    public void A_continuation_token_round_trips_and_is_refused_when_tampered_with()
    {
        var token = new ContinuationToken(Parse("type=new").Fingerprint(), "1!8!YWJj 1!16!YXBwbGljYXRpb24-");
        string encoded = token.Encode();
        Assert.DoesNotContain("YWJj", encoded, StringComparison.Ordinal); // opaque: the storage token is not visible as such
        Assert.Equal(token, ContinuationToken.Decode(encoded));
        Assert.Null(ContinuationToken.Decode(encoded[..^4]));
        Assert.Null(ContinuationToken.Decode("not-a-token"));
        Assert.Null(ContinuationToken.Decode(""));
        Assert.NotEqual(Parse("type=new").Fingerprint(), Parse("type=renewal").Fingerprint());
        Assert.Equal(Parse("type=new&stage=Printing").Fingerprint(), Parse("stage=printing&type=NEW").Fingerprint());
    }

    static IEnumerable<ApplicationStage> FinalStages => Enum.GetValues<ApplicationStage>().Where(s => s.IsFinal());

    static ApplicationFilter Parse(string query)
    {
        var errors = new List<FieldError>();
        ApplicationFilter filter = ApplicationFilter.Parse(
            new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).ToDictionary(p => p.Key, p => (StringValues)p.Value)), errors);
        Assert.Empty(errors);
        return filter;
    }
}
