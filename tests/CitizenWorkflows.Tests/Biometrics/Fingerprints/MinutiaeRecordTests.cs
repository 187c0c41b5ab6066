using System.Buffers.Binary;
using CitizenWorkflows.TestData;
using CitizenWorkflows.Workflow.Biometrics.Fingerprints;

namespace CitizenWorkflows.Tests.Biometrics.Fingerprints;

public class MinutiaeRecordTests
{
    static byte[] Sample(int position = 3, int seed = 7) => SampleFingerprints.Template(position, new Random(seed));

    [Fact]
    public void A_sample_template_parses_and_writes_back_byte_for_byte()
    {
        byte[] bytes = Sample();
        MinutiaeRecord record = MinutiaeRecord.Parse(bytes);

        Assert.Equal(500, record.ImageWidth);
        Assert.Equal(550, record.ImageHeight);
        Assert.Equal(197, record.XResolution);
        FingerView view = Assert.Single(record.Views);
        Assert.Equal(3, view.FingerPosition);
        Assert.InRange(view.Minutiae.Count, 30, 60);
        Assert.All(view.Minutiae, m => Assert.InRange(m.AngleDegrees, 0, 358.6));
        Assert.Equal(bytes, MinutiaeRecord.Write(record));
    }

    [Fact]
    public void Angles_are_degrees_in_steps_of_1_40625()
    {
        byte[] bytes = Sample();
        bytes[MinutiaeRecord.HeaderBytes + MinutiaeRecord.ViewHeaderBytes + 4] = 64;
        Minutia first = MinutiaeRecord.Parse(bytes).Views[0].Minutiae[0];
        Assert.Equal(90.0, first.AngleDegrees);
        Assert.Equal(64, first.AngleUnits);
    }

    [Fact]
    public void Several_views_and_extended_data_survive_a_round_trip()
    {
        var record = new MinutiaeRecord(1, 0x123, 400, 500, 197, 197,
        [
            new FingerView(1, 0, 0, 80, [new Minutia(MinutiaType.RidgeEnding, 10, 20, 45, 90), new Minutia(MinutiaType.Other, 399, 499, 0, 0)]),
            new FingerView(2, 1, 1, 70, [new Minutia(MinutiaType.Bifurcation, 100, 200, 180, 50)]) { ExtendedData = new byte[] { 0, 1, 0, 7, 1, 2, 3 } },
        ]);

        byte[] bytes = MinutiaeRecord.Write(record);
        MinutiaeRecord parsed = MinutiaeRecord.Parse(bytes);

        Assert.Equal((1, 0x123, 400, 500), (parsed.CaptureEquipmentCompliance, parsed.CaptureEquipmentId, parsed.ImageWidth, parsed.ImageHeight));
        Assert.Equal(2, parsed.Views.Count);
        Assert.Equal(record.Views[0].Minutiae, parsed.Views[0].Minutiae);
        Assert.Equal(record.Views[1].Minutiae, parsed.Views[1].Minutiae);
        Assert.Equal((2, 1, 1, 70), (parsed.Views[1].FingerPosition, parsed.Views[1].ViewNumber, parsed.Views[1].ImpressionType, parsed.Views[1].FingerQuality));
        Assert.Equal(new byte[] { 0, 1, 0, 7, 1, 2, 3 }, parsed.Views[1].ExtendedData.ToArray());
        Assert.Equal(bytes, MinutiaeRecord.Write(parsed));
    }

    [Fact]
    public void Synthetic_records_round_trip()
    {
        MinutiaeRecord master = SyntheticFingerprints.Master(5, seed: 3, fingerPosition: 6);
        MinutiaeRecord impression = SyntheticFingerprints.Impression(master, new Random(1));
        foreach (MinutiaeRecord record in (MinutiaeRecord[])[master, impression])
        {
            byte[] bytes = MinutiaeRecord.Write(record);
            MinutiaeRecord parsed = MinutiaeRecord.Parse(bytes);
            Assert.Equal(record.Views[0].Minutiae, parsed.Views[0].Minutiae);
            Assert.Equal(bytes, MinutiaeRecord.Write(parsed));
        }
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "header-truncated", "header" },
        { "bad-magic", "magic" },
        { "wrong-version", "version" },
        { "length-mismatch", "length" },
        { "reserved-bits", "reserved-header" },
        { "no-views", "no-views" },
        { "image-size", "width" },
        { "finger-position", "position" },
        { "impression-type", "impression" },
        { "finger-quality", "finger-quality" },
        { "view-truncated", "truncated-view" },
        { "minutia-type", "minutia-type" },
        { "reserved-bits", "reserved-y" },
        { "minutia-outside-image", "outside" },
        { "minutia-quality", "minutia-quality" },
        { "extended-data-truncated", "extended" },
        { "trailing-bytes", "trailing" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_record_is_refused_naming_the_problem(string problem, string damage)
    {
        byte[] bytes = Damaged(damage);
        MinutiaeFormatException error = Assert.Throws<MinutiaeFormatException>(() => MinutiaeRecord.Parse(bytes));
        Assert.Equal(problem, error.Problem);
        Assert.StartsWith(problem, error.Message, StringComparison.Ordinal);
    }

    static byte[] Damaged(string damage)
    {
        byte[] b = Sample();
        const int view = MinutiaeRecord.HeaderBytes, minutia = MinutiaeRecord.HeaderBytes + MinutiaeRecord.ViewHeaderBytes;
        switch (damage)
        {
            case "header":
                return b[..20];
            case "magic":
                b[0] = (byte)'X';
                break;
            case "version":
                b[5] = (byte)'3';
                break;
            case "length":
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), (uint)b.Length + 1);
                break;
            case "reserved-header":
                b[23] = 1;
                break;
            case "no-views":
                b[22] = 0;
                break;
            case "width":
                BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(14), 0);
                break;
            case "position":
                b[view] = 11;
                break;
            case "impression":
                b[view + 1] = 5;
                break;
            case "finger-quality":
                b[view + 2] = 101;
                break;
            case "truncated-view":
                b = b[..(b.Length - 10)];
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), (uint)b.Length);
                break;
            case "minutia-type":
                b[minutia] |= 0xC0;
                break;
            case "reserved-y":
                b[minutia + 2] |= 0x40;
                break;
            case "outside":
                BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(minutia + 2), 550);
                break;
            case "minutia-quality":
                b[minutia + 5] = 200;
                break;
            case "extended":
                BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(b.Length - 2), 10);
                break;
            case "trailing":
                b = [.. b, 0, 0];
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), (uint)b.Length);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage));
        }

        return b;
    }
}
