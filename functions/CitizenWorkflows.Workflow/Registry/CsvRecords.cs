using CsvHelper;

namespace CitizenWorkflows.Workflow.Registry;

/// <summary>
/// The project's CSV, RFC 4180 through CsvHelper: fields separated by commas, records by CRLF; fields holding a comma,
/// quote, line break or whitespace at either end are written quoted, with quotes doubled.
/// </summary>
public static class CsvRecords
{
    /// <summary>A writer of records to <paramref name="writer"/>, which stays open; dispose it to flush.</summary>
    public static CsvWriter Writer(TextWriter writer) =>
        CsvWriter.Create(writer, WriterOptions, leaveOpen: true);

    // Quoting edge whitespace keeps it for readers that trim unquoted fields; char.IsWhiteSpace rather than the library's
    // space-or-tab rule, as the project has always written it.
    static readonly CsvWriterOptions WriterOptions = CsvWriterOptions.Default with
    {
        ShouldQuote = (text, _, _, _) => text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])),
    };
}
