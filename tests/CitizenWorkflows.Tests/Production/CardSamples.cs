using System.Text;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Production;

namespace CitizenWorkflows.Tests.Production;

/// <summary>One applicant and the card data derived from her, shared by the card-production tests.</summary>
public static class CardSamples
{
    public static readonly Applicant Lan =
        new("Nguyễn Thị Lan", new DateOnly(1991, 4, 7), Sex.Female, "001191000123", "012345678", "001", "12 Lê Lợi, Hoàn Kiếm, Hà Nội");

    public static readonly DateOnly IssueDate = new(2026, 11, 26);

    // Lan is 35 at issue, so the card runs to her 40th birthday.
    public static readonly DateOnly ExpiryDate = new(2031, 4, 7);

    public static byte[] Portrait => Encoding.ASCII.GetBytes("portrait image bytes");

    public static Dictionary<int, byte[]> FingerRecords => new()
    {
        [1] = Encoding.ASCII.GetBytes("right thumb record"),
        [2] = Encoding.ASCII.GetBytes("right index record"),
        [6] = Encoding.ASCII.GetBytes("left thumb record"),
        [7] = Encoding.ASCII.GetBytes("left index record"),
    };

    public static ChipData Chip() =>
        ChipData.For(Lan, "001191000123", "001191000123", IssueDate, ExpiryDate, Portrait, FingerRecords);
}
