using System.Buffers.Binary;

namespace CitizenWorkflows.Workflow.Biometrics.Fingerprints;

/// <summary>Minutia type as coded in the two top bits of the x field (ISO/IEC 19794-2:2005 §7.4.1).</summary>
public enum MinutiaType
{
    Other = 0,
    RidgeEnding = 1,
    Bifurcation = 2,
}

/// <summary>One minutia: position in pixels (origin top left), angle in degrees counter-clockwise from the x axis
/// (stored in units of 1.40625°), quality 0–100 (0 = not reported).</summary>
public sealed record Minutia(MinutiaType Type, int X, int Y, double AngleDegrees, int Quality)
{
    public const double DegreesPerUnit = 360.0 / 256;

    /// <summary>The angle in the record's 1.40625° units (0–255).</summary>
    public int AngleUnits => (int)Math.Round(AngleDegrees / DegreesPerUnit) & 0xFF;
}

/// <summary>One finger view: position 0–10 (0 = unknown), view number 0–15, impression type (0–3 live-scan/rolled,
/// 8 swipe), finger quality 0–100, its minutiae and its extended data (kept opaque, not interpreted).</summary>
public sealed record FingerView(int FingerPosition, int ViewNumber, int ImpressionType, int FingerQuality, IReadOnlyList<Minutia> Minutiae)
{
    public ReadOnlyMemory<byte> ExtendedData { get; init; } = ReadOnlyMemory<byte>.Empty;
}

/// <summary>A finger minutiae record per ISO/IEC 19794-2:2005 (record format, big-endian, 24-byte header).</summary>
public sealed record MinutiaeRecord(
    int CaptureEquipmentCompliance,
    int CaptureEquipmentId,
    int ImageWidth,
    int ImageHeight,
    int XResolution,
    int YResolution,
    IReadOnlyList<FingerView> Views)
{
    public const int HeaderBytes = 24;
    public const int ViewHeaderBytes = 4;
    public const int MinutiaBytes = 6;
    public const int ExtendedDataLengthBytes = 2;

    /// <summary>500 dpi expressed in pixels per centimetre, as the record stores it.</summary>
    public const int PixelsPerCm500Dpi = 197;

    public static MinutiaeRecord Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderBytes)
        {
            throw new MinutiaeFormatException("header-truncated", $"the record has {data.Length} bytes, fewer than the {HeaderBytes}-byte header");
        }

        if (!data.StartsWith("FMR\0"u8))
        {
            throw new MinutiaeFormatException("bad-magic", "the record does not start with the format identifier \"FMR\\0\"");
        }

        if (!data[4..8].SequenceEqual(" 20\0"u8))
        {
            throw new MinutiaeFormatException("wrong-version", "the version is not \" 20\\0\" (ISO/IEC 19794-2:2005)");
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(data[8..]);
        if (length != (uint)data.Length)
        {
            throw new MinutiaeFormatException("length-mismatch", $"the length field says {length} bytes but the record has {data.Length}");
        }

        ushort equipment = BinaryPrimitives.ReadUInt16BigEndian(data[12..]);
        int width = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        int height = BinaryPrimitives.ReadUInt16BigEndian(data[16..]);
        int xResolution = BinaryPrimitives.ReadUInt16BigEndian(data[18..]);
        int yResolution = BinaryPrimitives.ReadUInt16BigEndian(data[20..]);
        int viewCount = data[22];
        if (width == 0 || height == 0)
        {
            throw new MinutiaeFormatException("image-size", $"the image size {width}x{height} is empty");
        }

        if (xResolution == 0 || yResolution == 0)
        {
            throw new MinutiaeFormatException("resolution", "the resolution is zero");
        }

        if (data[23] != 0)
        {
            throw new MinutiaeFormatException("reserved-bits", "the reserved header byte is not zero");
        }

        if (viewCount == 0)
        {
            throw new MinutiaeFormatException("no-views", "the record holds no finger view");
        }

        var views = new FingerView[viewCount];
        int offset = HeaderBytes;
        for (int v = 0; v < viewCount; v++)
        {
            views[v] = ParseView(data, ref offset, v, width, height);
        }

        if (offset != data.Length)
        {
            throw new MinutiaeFormatException("trailing-bytes", $"{data.Length - offset} bytes follow the last finger view");
        }

        return new MinutiaeRecord(equipment >> 12, equipment & 0x0FFF, width, height, xResolution, yResolution, views);
    }

    static FingerView ParseView(ReadOnlySpan<byte> data, ref int offset, int index, int width, int height)
    {
        if (data.Length - offset < ViewHeaderBytes)
        {
            throw new MinutiaeFormatException("view-truncated", $"finger view {index} is cut short in its header");
        }

        ReadOnlySpan<byte> header = data.Slice(offset, ViewHeaderBytes);
        int position = header[0];
        int viewNumber = header[1] >> 4;
        int impression = header[1] & 0x0F;
        int quality = header[2];
        int count = header[3];
        if (position > 10)
        {
            throw new MinutiaeFormatException("finger-position", $"finger view {index} has finger position {position}, outside 0–10");
        }

        if (impression is not (0 or 1 or 2 or 3 or 8))
        {
            throw new MinutiaeFormatException("impression-type", $"finger view {index} has impression type {impression}, not 0–3 or 8");
        }

        if (quality > 100)
        {
            throw new MinutiaeFormatException("finger-quality", $"finger view {index} has finger quality {quality}, above 100");
        }

        offset += ViewHeaderBytes;
        if (data.Length - offset < (count * MinutiaBytes) + ExtendedDataLengthBytes)
        {
            throw new MinutiaeFormatException("view-truncated", $"finger view {index} declares {count} minutiae but the record ends first");
        }

        var minutiae = new Minutia[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> m = data.Slice(offset, MinutiaBytes);
            ushort xField = BinaryPrimitives.ReadUInt16BigEndian(m);
            ushort yField = BinaryPrimitives.ReadUInt16BigEndian(m[2..]);
            int type = xField >> 14;
            int x = xField & 0x3FFF;
            int y = yField & 0x3FFF;
            if (type == 3)
            {
                throw new MinutiaeFormatException("minutia-type", $"minutia {i} of finger view {index} has the reserved type 11");
            }

            if ((yField >> 14) != 0)
            {
                throw new MinutiaeFormatException("reserved-bits", $"minutia {i} of finger view {index} has reserved bits set in its y field");
            }

            if (x >= width || y >= height)
            {
                throw new MinutiaeFormatException("minutia-outside-image", $"minutia {i} of finger view {index} at ({x}, {y}) lies outside the {width}x{height} image");
            }

            if (m[5] > 100)
            {
                throw new MinutiaeFormatException("minutia-quality", $"minutia {i} of finger view {index} has quality {m[5]}, above 100");
            }

            minutiae[i] = new Minutia((MinutiaType)type, x, y, m[4] * Minutia.DegreesPerUnit, m[5]);
            offset += MinutiaBytes;
        }

        int extendedLength = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
        offset += ExtendedDataLengthBytes;
        if (data.Length - offset < extendedLength)
        {
            throw new MinutiaeFormatException("extended-data-truncated", $"finger view {index} declares {extendedLength} bytes of extended data but the record ends first");
        }

        byte[] extended = data.Slice(offset, extendedLength).ToArray();
        offset += extendedLength;
        return new FingerView(position, viewNumber, impression, quality, minutiae) { ExtendedData = extended };
    }

    public static byte[] Write(MinutiaeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Views.Count is 0 or > 255)
        {
            throw new ArgumentException("A record holds 1–255 finger views.", nameof(record));
        }

        int size = HeaderBytes;
        foreach (FingerView view in record.Views)
        {
            if (view.Minutiae.Count > 255)
            {
                throw new ArgumentException("A finger view holds at most 255 minutiae.", nameof(record));
            }

            size += ViewHeaderBytes + (view.Minutiae.Count * MinutiaBytes) + ExtendedDataLengthBytes + view.ExtendedData.Length;
        }

        var bytes = new byte[size];
        Span<byte> r = bytes;
        "FMR\0"u8.CopyTo(r);
        " 20\0"u8.CopyTo(r[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(r[8..], (uint)size);
        BinaryPrimitives.WriteUInt16BigEndian(r[12..], (ushort)(((record.CaptureEquipmentCompliance & 0xF) << 12) | (record.CaptureEquipmentId & 0x0FFF)));
        BinaryPrimitives.WriteUInt16BigEndian(r[14..], checked((ushort)record.ImageWidth));
        BinaryPrimitives.WriteUInt16BigEndian(r[16..], checked((ushort)record.ImageHeight));
        BinaryPrimitives.WriteUInt16BigEndian(r[18..], checked((ushort)record.XResolution));
        BinaryPrimitives.WriteUInt16BigEndian(r[20..], checked((ushort)record.YResolution));
        r[22] = (byte)record.Views.Count;
        int offset = HeaderBytes;
        foreach (FingerView view in record.Views)
        {
            r[offset] = checked((byte)view.FingerPosition);
            r[offset + 1] = (byte)(((view.ViewNumber & 0xF) << 4) | (view.ImpressionType & 0xF));
            r[offset + 2] = checked((byte)view.FingerQuality);
            r[offset + 3] = (byte)view.Minutiae.Count;
            offset += ViewHeaderBytes;
            foreach (Minutia m in view.Minutiae)
            {
                BinaryPrimitives.WriteUInt16BigEndian(r[offset..], (ushort)(((int)m.Type << 14) | (m.X & 0x3FFF)));
                BinaryPrimitives.WriteUInt16BigEndian(r[(offset + 2)..], (ushort)(m.Y & 0x3FFF));
                r[offset + 4] = (byte)m.AngleUnits;
                r[offset + 5] = checked((byte)m.Quality);
                offset += MinutiaBytes;
            }

            BinaryPrimitives.WriteUInt16BigEndian(r[offset..], checked((ushort)view.ExtendedData.Length));
            offset += ExtendedDataLengthBytes;
            view.ExtendedData.Span.CopyTo(r[offset..]);
            offset += view.ExtendedData.Length;
        }

        return bytes;
    }
}

/// <summary>A minutiae record that does not follow ISO/IEC 19794-2:2005; <see cref="Problem"/> names what is wrong
/// (e.g. "bad-magic", "length-mismatch", "view-truncated", "minutia-outside-image", "reserved-bits").</summary>
public sealed class MinutiaeFormatException : FormatException
{
    public MinutiaeFormatException()
        : this("invalid", "the minutiae record is malformed")
    {
    }

    public MinutiaeFormatException(string message)
        : this("invalid", message)
    {
    }

    public MinutiaeFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = "invalid";
    }

    public MinutiaeFormatException(string problem, string message)
        : base($"{problem}: {message}")
    {
        Problem = problem;
    }

    public string Problem { get; }
}
