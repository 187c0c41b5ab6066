namespace CitizenWorkflows.Workflow.Registry;

/// <summary>Text for cells of an exported CSV that a spreadsheet opens: user text must not run as a formula.</summary>
public static class SpreadsheetSafeText
{
    /// <summary>
    /// A value a spreadsheet would not run as a formula: one that begins with <c>= + - @</c>, a tab or a carriage return
    /// gets a leading apostrophe (OWASP's guard against CSV injection). For text that came from users; numbers are written as they are.
    /// (Not CsvHelper's <c>Injection</c> option: that changes every text field of a file and quotes what it escapes.)
    /// </summary>
    public static string? DefuseFormula(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
}
