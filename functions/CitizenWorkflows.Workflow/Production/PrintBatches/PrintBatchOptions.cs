using CitizenWorkflows.Workflow.Orchestration.Batches;

namespace CitizenWorkflows.Workflow.Production.PrintBatches;

/// <summary>How approved cards are grouped for the print centres (configuration section <c>PrintBatches</c>).</summary>
public sealed class PrintBatchOptions : CardBatchOptions
{
    public const string SectionName = "PrintBatches";

    /// <summary>The print centre for provinces not listed in <see cref="ProvinceCentres"/>.</summary>
    public string DefaultCentre { get; set; } = "print-centre-1";

    /// <summary>Province code → print centre, for provinces served by another centre.</summary>
    public Dictionary<string, string> ProvinceCentres { get; } = new(StringComparer.Ordinal);

    public string CentreFor(string? province) =>
        province is not null && ProvinceCentres.TryGetValue(province, out string? centre) ? centre : DefaultCentre;
}
