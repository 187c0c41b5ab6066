using System.Collections.Frozen;
using System.Globalization;

namespace CitizenWorkflows.Workflow.Domain;

/// <summary>A province (or centrally-run city) by its three-digit code of birth registration.</summary>
public sealed record Province(string Code, string Name)
{
    static readonly FrozenDictionary<string, Province> ByCode = Load();

    /// <summary>All 63 provinces, ordered by code.</summary>
    public static IReadOnlyCollection<Province> All { get; } = [.. ByCode.Values.OrderBy(p => p.Code, StringComparer.Ordinal)];

    public static bool TryGet(string? code, out Province province)
    {
        province = null!;
        return code is not null && ByCode.TryGetValue(code, out province!);
    }

    public static bool IsKnown(string? code) => code is not null && ByCode.ContainsKey(code);

    static FrozenDictionary<string, Province> Load()
    {
        using Stream stream = typeof(Province).Assembly.GetManifestResourceStream("province-codes.csv")
            ?? throw new InvalidOperationException("province-codes.csv is not embedded in the Workflow assembly.");
        using var reader = new StreamReader(stream);
        var provinces = new Dictionary<string, Province>(StringComparer.Ordinal);
        _ = reader.ReadLine(); // header: code,name
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            int comma = line.IndexOf(',', StringComparison.Ordinal);
            string code = line[..comma].Trim();
            if (code.Length != 3 || !int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new InvalidDataException($"Bad province code '{code}' in province-codes.csv.");
            }

            provinces.Add(code, new Province(code, line[(comma + 1)..].Trim()));
        }

        return provinces.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
