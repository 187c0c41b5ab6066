using CsvHelper;

namespace CitizenWorkflows.Workflow.Registry;

/// <summary>One record of a CSV file: the line it starts on, its fields, and the first structural problem found in it, if any.</summary>
/// <param name="Line">1-based physical line where the record starts (a quoted field may span several lines).</param>
/// <param name="Problem">
/// A rule name (<c>csv.quote</c>, <c>csv.unterminated-quote</c>, <c>csv.field-length</c>, <c>csv.columns</c>,
/// <c>csv.record-length</c>) or null.
/// </param>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields, string? Problem, string? ProblemMessage);

/// <summary>
/// The project's CSV, RFC 4180 through CsvHelper: fields separated by commas, records by CRLF (a bare LF or CR is read
/// too); a field that starts with a double quote may contain commas, line breaks and doubled quotes. Fields holding a
/// comma, quote, line break or whitespace at either end are written quoted.
/// </summary>
public static class CsvRecords
{
    /// <summary>
    /// Reads the records with their line numbers. Blank lines are skipped and a leading byte-order mark is ignored.
    /// Malformed input never throws: a record carries its problem and reading goes on with the next one (a quote inside an
    /// unquoted field stays text there, it does not open a quoted field that runs into the next lines). A record longer
    /// than its fields allow stops the reading with a last record that says so, so an unclosed quote cannot make one
    /// record take the rest of a large file into memory.
    /// </summary>
    public static IEnumerable<CsvRecord> Read(TextReader reader, int maxFieldLength = 10_000, int maxFields = 256)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadIterator(reader, maxFieldLength, maxFields);
    }

    /// <summary>A writer of records to <paramref name="writer"/>, which stays open; dispose it to flush.</summary>
    public static CsvWriter Writer(TextWriter writer) =>
        CsvWriter.Create(writer, WriterOptions, leaveOpen: true);

    // Quoting edge whitespace keeps it for readers that trim unquoted fields; char.IsWhiteSpace rather than the library's
    // space-or-tab rule, as the project has always written it.
    static readonly CsvWriterOptions WriterOptions = CsvWriterOptions.Default with
    {
        ShouldQuote = (text, _, _, _) => text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])),
    };

    static IEnumerable<CsvRecord> ReadIterator(TextReader reader, int maxFieldLength, int maxFields)
    {
        // UTF-8 bytes (up to 3 a char) with every quote doubled, and the commas.
        int maxRecordBytes = maxFields * (6 * maxFieldLength + 1);
        CsvMalformedRecord? malformed = null;
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            // Callers check the header themselves and report its problems by line like any other record's.
            HasHeader = false,
            TrackLineNumbers = true,
            MaxRecordSize = maxRecordBytes,
            OnMalformedRecord = record => malformed = record,
        };

        using CsvReader csv = CsvReader.Create(reader, options, leaveOpen: true);
        while (true)
        {
            CsvFormatException? tooLong = null;
            bool read;
            try
            {
                read = csv.Read();
            }
            catch (CsvFormatException e)
            {
                (tooLong, read) = (e, false);
            }

            if (tooLong is not null)
            {
                // The reader cannot go past a record it would not buffer.
                yield return new CsvRecord((int)tooLong.LineNumber, [], "csv.record-length",
                    $"the record is longer than {maxRecordBytes} bytes, more than its fields allow; the lines after it are not read");
                yield break;
            }

            if (!read)
            {
                yield break;
            }

            // The library reports a malformed record while reading it, just before it is returned.
            (string? problem, string? message) = malformed is { } m && m.LineNumber == csv.LineNumber ? Describe(m.Reason) : (null, null);
            malformed = null;
            var fields = new List<string>(Math.Min(csv.FieldCount, maxFields));
            for (int i = 0; i < csv.FieldCount && i < maxFields; i++)
            {
                string field = csv.GetString(i);
                if (field.Length > maxFieldLength)
                {
                    problem ??= "csv.field-length";
                    message ??= $"a field is longer than {maxFieldLength} characters";
                }

                fields.Add(field);
            }

            if (csv.FieldCount > maxFields)
            {
                problem ??= "csv.columns";
                message ??= $"more than {maxFields} fields";
            }

            yield return new CsvRecord((int)csv.LineNumber, fields, problem, message);
        }
    }

    static (string Rule, string Message) Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => ("csv.quote", "a field containing a quote must be quoted, with the quote doubled"),
        CsvMalformedReason.TextAfterClosingQuote => ("csv.quote", "a closing quote must be followed by a comma or the end of the line"),
        CsvMalformedReason.UnterminatedQuote => ("csv.unterminated-quote", "a quoted field is not closed before the end of the file"),
        _ => ("csv.quote", $"the quoting is malformed ({reason})"),
    };
}
