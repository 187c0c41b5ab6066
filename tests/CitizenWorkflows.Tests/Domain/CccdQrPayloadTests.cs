using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Tests.Domain;

public class CccdQrPayloadTests
{
    static readonly Applicant Lan = new("Nguyễn Thị Lan", new DateOnly(1991, 4, 7), Sex.Female, "001191000123", "012345678", "001", "12 Lê Lợi, Hoàn Kiếm, Hà Nội");

    [Fact]
    public void Encodes_the_seven_fields_in_CCCD_order()
    {
        string text = CccdQrPayload.For(Lan, "001191000123", new DateOnly(2026, 11, 26)).Encode();
        Assert.Equal("001191000123|012345678|Nguyễn Thị Lan|07041991|Nữ|12 Lê Lợi, Hoàn Kiếm, Hà Nội|26112026", text);
    }

    [Fact]
    public void A_missing_old_id_is_an_empty_field_and_survives_a_round_trip()
    {
        var payload = CccdQrPayload.For(Lan with { OldIdNumber = null, Sex = Sex.Male }, "001091000123", new DateOnly(2026, 1, 2));
        string text = payload.Encode();
        Assert.StartsWith("001091000123||", text, StringComparison.Ordinal);
        Assert.Equal(payload, CccdQrPayload.Decode(text));
    }

    [Fact]
    public void A_field_holding_the_separator_is_refused()
    {
        var payload = CccdQrPayload.For(Lan with { Residence = "12 Lê Lợi | Hà Nội" }, "001191000123", new DateOnly(2026, 1, 2));
        Assert.Throws<FormatException>(() => payload.Encode());
    }

    [Fact]
    public void Decoding_rejects_the_wrong_number_of_fields()
    {
        Assert.Throws<FormatException>(() => CccdQrPayload.Decode("001191000123|Nguyễn Thị Lan"));
    }
}
