namespace CitizenWorkflows.Workflow.Production.PrintBatches;

/// <summary>How approved cards are grouped for the print centres (configuration section <c>PrintBatches</c>).</summary>
public sealed class PrintBatchOptions
{
    public const string SectionName = "PrintBatches";

    /// <summary>A batch closes when it holds this many cards (at most 99: one Table transaction assigns a whole batch).</summary>
    public int MaxCards { get; set; } = 50;

    /// <summary>…or when its oldest card has waited this long.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The print centre for provinces not listed in <see cref="ProvinceCentres"/>.</summary>
    public string DefaultCentre { get; set; } = "print-centre-1";

    /// <summary>Province code → print centre, for provinces served by another centre.</summary>
    public Dictionary<string, string> ProvinceCentres { get; } = new(StringComparer.Ordinal);

    public string CentreFor(string? province) =>
        province is not null && ProvinceCentres.TryGetValue(province, out string? centre) ? centre : DefaultCentre;

    public IEnumerable<string> Centres => ProvinceCentres.Values.Append(DefaultCentre).Distinct(StringComparer.Ordinal);
}
