using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>The query string becomes a key range over the list index plus a storage-side filter; continuation tokens
/// are opaque and bound to their filter.</summary>
public class ApplicationFilterTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_criterion_becomes_a_clause_on_top_of_the_key_range_the_index_answers_it_from()
    {
        ApplicationFilter filter = Parse("stage=awaitingapproval&province=079&kiosk=KIOSK-HCM-001&type=Renewal&createdFrom=2026-11-01&createdTo=2026-11-26T09:00:00%2B07:00&overdue=true");

        // A kiosk is the narrowest partition: its rows are ordered by intake time, so the created range is a key range.
        Assert.Equal(
            (ApplicationIndex.TableName,
                $"PartitionKey eq 'k-KIOSK~2DHCM~2D001' and RowKey ge '{Ticks("2026-11-01T00:00:00Z")}' and RowKey lt '{Ticks("2026-11-26T02:00:00Z")}'"
                + " and Stage eq 'AwaitingApproval' and Province eq '079' and KioskId eq 'KIOSK-HCM-001' and Type eq 'Renewal'"
                + " and CreatedAt ge datetime'2026-11-01T00:00:00Z' and CreatedAt lt datetime'2026-11-26T02:00:00Z'"
                + " and (DueAt lt datetime'2026-11-26T08:00:00Z' and " + string.Join(" and ", FinalStages.Select(s => $"Stage ne '{s}'")) + ")"),
            filter.Plan(Now));
    }

    [Fact]
    public void Each_filter_reads_one_partition_or_one_key_range()
    {
        string now = Ticks("2026-11-26T08:00:00Z");
        Assert.StartsWith($"PartitionKey ge 'o-' and PartitionKey lt 'o.' and RowKey lt '{now}'", Parse("overdue=true").Plan(Now).Filter, StringComparison.Ordinal);
        Assert.StartsWith($"PartitionKey eq 'o-079' and RowKey lt '{now}'", Parse("overdue=true&province=079").Plan(Now).Filter, StringComparison.Ordinal);
        Assert.StartsWith("PartitionKey ge 's-Printing-' and PartitionKey lt 's-Printing.' and Stage eq 'Printing'", Parse("stage=printing").Plan(Now).Filter, StringComparison.Ordinal);
        Assert.StartsWith("PartitionKey eq 's-Printing-001' and", Parse("stage=printing&province=001").Plan(Now).Filter, StringComparison.Ordinal);
        Assert.StartsWith($"PartitionKey eq 's-Printing-001' and RowKey ge '{now}'", Parse("stage=printing&province=001&overdue=false").Plan(Now).Filter, StringComparison.Ordinal);
        Assert.StartsWith("PartitionKey eq 'p-001' and", Parse("province=001&type=new").Plan(Now).Filter, StringComparison.Ordinal);

        // No area, stage or kiosk: the projection itself, whose version-7 ids bound a created range (with a minute's slack).
        (string table, string filter) = Parse("createdFrom=2026-11-01").Plan(Now);
        Assert.Equal(StorageNames.ApplicationsTable, table);
        long ms = new DateTimeOffset(2026, 10, 31, 23, 59, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal($"PartitionKey ge '{ms:x12}' and CreatedAt ge datetime'2026-11-01T00:00:00Z'", filter);
        Assert.Equal((StorageNames.ApplicationsTable, ""), Parse("").Plan(Now));
        Assert.Equal(
            "(DueAt ge datetime'2026-11-26T08:00:00Z' or " + string.Join(" or ", FinalStages.Select(s => $"Stage eq '{s}'")) + ")",
            Parse("overdue=false").Plan(Now).Filter);
    }

    static string Ticks(string instant) => DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture).UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

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
