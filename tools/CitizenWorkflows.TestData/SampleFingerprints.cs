using System.Buffers.Binary;

namespace CitizenWorkflows.TestData;

/// <summary>
/// Synthetic ISO/IEC 19794-2:2005 finger minutiae records (one finger view each), shaped like an enrolment
/// scanner's output: 500 dpi, 30–60 minutiae. Structurally valid; not derived from any real finger.
/// </summary>
public static class SampleFingerprints
{
    const int HeaderBytes = 24;
    const int ViewHeaderBytes = 4;
    const int MinutiaBytes = 6;
    const int ExtendedDataLengthBytes = 2;

    public static byte[] Template(int fingerPosition, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(fingerPosition, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fingerPosition, 10);
        int minutiae = random.Next(30, 61);
        const ushort width = 500, height = 550, pixelsPerCm = 197; // 500 dpi
        var record = new byte[HeaderBytes + ViewHeaderBytes + (MinutiaBytes * minutiae) + ExtendedDataLengthBytes];
        Span<byte> r = record;
        "FMR\0"u8.CopyTo(r);
        " 20\0"u8.CopyTo(r[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(r[8..], (uint)record.Length);
        BinaryPrimitives.WriteUInt16BigEndian(r[14..], width);
        BinaryPrimitives.WriteUInt16BigEndian(r[16..], height);
        BinaryPrimitives.WriteUInt16BigEndian(r[18..], pixelsPerCm);
        BinaryPrimitives.WriteUInt16BigEndian(r[20..], pixelsPerCm);
        r[22] = 1; // one finger view

        Span<byte> view = r[HeaderBytes..];
        view[0] = (byte)fingerPosition;
        view[1] = 0; // view 0, live-scan plain impression
        view[2] = (byte)random.Next(60, 101); // finger quality
        view[3] = (byte)minutiae;
        for (int i = 0; i < minutiae; i++)
        {
            Span<byte> m = view[(ViewHeaderBytes + (i * MinutiaBytes))..];
            int type = random.Next(1, 3); // 01 ridge ending, 10 bifurcation
            BinaryPrimitives.WriteUInt16BigEndian(m, (ushort)((type << 14) | random.Next(20, width - 20)));
            BinaryPrimitives.WriteUInt16BigEndian(m[2..], (ushort)random.Next(20, height - 20));
            m[4] = (byte)random.Next(0, 256); // angle in 1.40625° units
            m[5] = (byte)random.Next(40, 101);
        }

        return record; // the extended data length stays 0
    }
}
