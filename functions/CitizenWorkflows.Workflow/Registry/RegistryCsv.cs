using System.Globalization;
using System.Text;
using CitizenWorkflows.Workflow.Domain;
using CsvHelper;

namespace CitizenWorkflows.Workflow.Registry;

/// <summary>
/// The registry's exchange format: CSV per RFC 4180 in UTF-8.
/// <list type="bullet">
/// <item>Line 1 is a header naming the columns of <see cref="Columns"/> (the <see cref="CitizenRecord"/> property
/// names, in any order, case-insensitive); every column must be present, no other.</item>
/// <item>One citizen per record. Fields holding a comma, a double quote or a line break are enclosed in double quotes,
/// with quotes doubled; records end with CRLF (LF alone is accepted). A blank line is skipped.</item>
/// <item><c>DateOfBirth</c> is <c>yyyy-MM-dd</c>; <c>Sex</c> is <c>male</c> or <c>female</c>; <c>BirthProvinceCode</c> is
/// one of the 63 three-digit codes; <c>PersonalNumber</c> has 12 digits consistent with birth date, sex and birth
/// province; <c>OldIdNumber</c> has 9 digits; <c>BloodType</c> is A, B, AB or O. <c>SpouseName</c>, <c>OldIdNumber</c>
/// and <c>BloodType</c> may be empty, every other field is required.</item>
/// <item>Text is trimmed and normalised to Unicode NFC on reading. A personal number may appear once per file.</item>
/// </list>
/// Reading never stops at a bad line: each is reported with its line number (where the record starts), the column
/// and the rule it broke, and the other lines are read.
/// </summary>
public static class RegistryCsv
{
    /// <summary>The columns, in the order <see cref="Write"/> puts them.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        nameof(CitizenRecord.PersonalNumber),
        nameof(CitizenRecord.FullName),
        nameof(CitizenRecord.DateOfBirth),
        nameof(CitizenRecord.Sex),
        nameof(CitizenRecord.BirthProvinceCode),
        nameof(CitizenRecord.NativePlace),
        nameof(CitizenRecord.Ethnicity),
        nameof(CitizenRecord.Religion),
        nameof(CitizenRecord.Nationality),
        nameof(CitizenRecord.PermanentResidence),
        nameof(CitizenRecord.CurrentResidence),
        nameof(CitizenRecord.FatherName),
        nameof(CitizenRecord.MotherName),
        nameof(CitizenRecord.SpouseName),
        nameof(CitizenRecord.HeadOfHousehold),
        nameof(CitizenRecord.OldIdNumber),
        nameof(CitizenRecord.BloodType),
    ];

    /// <summary>Reads a whole file into memory: the valid records and the errors of the rejected lines.</summary>
    public static RegistryCsvReadResult Read(TextReader reader)
    {
        var records = new List<CitizenRecord>();
        var errors = new List<RegistryCsvError>();
        foreach (RegistryCsvRow row in ReadRows(reader))
        {
            if (row.Record is { } record)
            {
                records.Add(record);
            }

            errors.AddRange(row.Errors);
        }

        return new RegistryCsvReadResult(records, errors);
    }

    /// <summary>
    /// Streams a file row by row (for files too large to hold): each data record yields either a citizen or its errors.
    /// A bad header yields one row for line 1 with its errors, and nothing after it.
    /// </summary>
    public static IEnumerable<RegistryCsvRow> ReadRows(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadRowsIterator(reader);
    }

    /// <summary>Writes the header and one line per record; returns the number of records written.</summary>
    public static int Write(TextWriter writer, IEnumerable<CitizenRecord> records)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(records);
        using CsvWriter csv = CsvRecords.Writer(writer);
        csv.WriteRecord([.. Columns]);
        int count = 0;
        foreach (CitizenRecord record in records)
        {
            csv.WriteRecord([.. Fields(record)]);
            count++;
        }

        return count;
    }

    /// <summary>The record's fields as the CSV writes them, in the order of <see cref="Columns"/> (null for an empty
    /// optional field).</summary>
    public static IReadOnlyList<string?> Fields(CitizenRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        CitizenRecord r = record;
        return
        [
            r.PersonalNumber, r.FullName, CitizenRecord.DateText(r.DateOfBirth), CitizenRecord.SexText(r.Sex), r.BirthProvinceCode,
            r.NativePlace, r.Ethnicity, r.Religion, r.Nationality, r.PermanentResidence, r.CurrentResidence,
            r.FatherName, r.MotherName, r.SpouseName, r.HeadOfHousehold, r.OldIdNumber, r.BloodType,
        ];
    }

    static IEnumerable<RegistryCsvRow> ReadRowsIterator(TextReader reader)
    {
        using IEnumerator<CsvRecord> csv = CsvRecords.Read(reader, maxFieldLength: 4 * CitizenRecord.MaxTextLength, maxFields: Columns.Count + 8).GetEnumerator();
        if (!csv.MoveNext())
        {
            yield return new RegistryCsvRow(1, null, [new(1, "", "csv.header", $"the file is empty: line 1 must name the columns {string.Join(',', Columns)}")]);
            yield break;
        }

        CsvRecord header = csv.Current;
        (int[]? indexOf, List<RegistryCsvError> headerErrors) = MapHeader(header);
        if (indexOf is null)
        {
            yield return new RegistryCsvRow(header.Line, null, headerErrors);
            yield break;
        }

        // Numbers are 12 digits, so they fit a long: a few million lines stay a modest map.
        var firstLineOf = new Dictionary<long, int>();
        while (csv.MoveNext())
        {
            yield return ParseLine(csv.Current, indexOf, header.Fields.Count, firstLineOf);
        }
    }

    static (int[]? IndexOf, List<RegistryCsvError> Errors) MapHeader(CsvRecord header)
    {
        var errors = new List<RegistryCsvError>();
        if (header.Problem is not null)
        {
            errors.Add(new(header.Line, "", header.Problem, header.ProblemMessage!));
            return (null, errors);
        }

        int[] indexOf = new int[Columns.Count];
        Array.Fill(indexOf, -1);
        for (int i = 0; i < header.Fields.Count; i++)
        {
            string name = header.Fields[i].Trim();
            int column = IndexOfColumn(name);
            if (column < 0)
            {
                errors.Add(new(header.Line, name, "csv.header-unknown", $"column '{name}' is not one of {string.Join(',', Columns)}"));
            }
            else if (indexOf[column] >= 0)
            {
                errors.Add(new(header.Line, Columns[column], "csv.header-duplicate", "the column appears more than once"));
            }
            else
            {
                indexOf[column] = i;
            }
        }

        for (int column = 0; column < Columns.Count; column++)
        {
            if (indexOf[column] < 0)
            {
                errors.Add(new(header.Line, Columns[column], "csv.header-missing", "the column is missing from the header"));
            }
        }

        return (errors.Count == 0 ? indexOf : null, errors);
    }

    static int IndexOfColumn(string name)
    {
        for (int i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    static RegistryCsvRow ParseLine(CsvRecord line, int[] indexOf, int headerWidth, Dictionary<long, int> firstLineOf)
    {
        var errors = new List<RegistryCsvError>();
        if (line.Problem is not null)
        {
            errors.Add(new(line.Line, "", line.Problem, line.ProblemMessage!));
            return new RegistryCsvRow(line.Line, null, errors);
        }

        if (line.Fields.Count != headerWidth)
        {
            errors.Add(new(line.Line, "", "csv.columns", $"has {line.Fields.Count} fields, the header has {headerWidth}"));
            return new RegistryCsvRow(line.Line, null, errors);
        }

        string Cell(string column) => Clean(line.Fields[indexOf[IndexOfColumn(column)]]);
        string? Optional(string column) => Cell(column) is { Length: > 0 } value ? value : null;

        string number = Cell(nameof(CitizenRecord.PersonalNumber));
        string dobText = Cell(nameof(CitizenRecord.DateOfBirth));
        DateOnly? dob = null;
        if (dobText.Length == 0)
        {
            errors.Add(new(line.Line, nameof(CitizenRecord.DateOfBirth), "required", "is required (yyyy-MM-dd)"));
        }
        else if (!CitizenRecord.TryParseDate(dobText, out DateOnly parsed))
        {
            errors.Add(new(line.Line, nameof(CitizenRecord.DateOfBirth), "date.format", "must be a date in the form yyyy-MM-dd"));
        }
        else
        {
            dob = parsed;
        }

        string sexText = Cell(nameof(CitizenRecord.Sex));
        Sex? sex = null;
        if (sexText.Length == 0)
        {
            errors.Add(new(line.Line, nameof(CitizenRecord.Sex), "required", "is required: male or female"));
        }
        else if (!CitizenRecord.TryParseSex(sexText, out Sex parsedSex))
        {
            errors.Add(new(line.Line, nameof(CitizenRecord.Sex), "sex.allowed", "must be male or female"));
        }
        else
        {
            sex = parsedSex;
        }

        var record = new CitizenRecord(
            number,
            Cell(nameof(CitizenRecord.FullName)),
            dob ?? default,
            sex ?? default,
            Cell(nameof(CitizenRecord.BirthProvinceCode)),
            Cell(nameof(CitizenRecord.NativePlace)),
            Cell(nameof(CitizenRecord.Ethnicity)),
            Cell(nameof(CitizenRecord.Religion)),
            Cell(nameof(CitizenRecord.Nationality)),
            Cell(nameof(CitizenRecord.PermanentResidence)),
            Cell(nameof(CitizenRecord.CurrentResidence)),
            Cell(nameof(CitizenRecord.FatherName)),
            Cell(nameof(CitizenRecord.MotherName)),
            Optional(nameof(CitizenRecord.SpouseName)),
            Cell(nameof(CitizenRecord.HeadOfHousehold)),
            Optional(nameof(CitizenRecord.OldIdNumber)),
            Optional(nameof(CitizenRecord.BloodType)));

        foreach (RecordViolation v in record.Validate(dob, sex))
        {
            errors.Add(new(line.Line, v.Field, v.Rule, v.Message));
        }

        // Only a valid line claims its number: a corrected copy of a rejected line further down still loads.
        if (errors.Count == 0 && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long key))
        {
            if (firstLineOf.TryGetValue(key, out int first))
            {
                errors.Add(new(line.Line, nameof(CitizenRecord.PersonalNumber), "personal-number.duplicate", $"the same number is already on line {first}"));
            }
            else
            {
                firstLineOf.Add(key, line.Line);
            }
        }

        return errors.Count == 0
            ? new RegistryCsvRow(line.Line, record, [])
            : new RegistryCsvRow(line.Line, null, [.. errors.OrderBy(e => IndexOfColumn(e.Field))]);
    }

    static string Clean(string value) => value.Trim().Normalize(NormalizationForm.FormC);
}

/// <summary>Why a line of a registry CSV was rejected: where it starts, the column (empty for the whole line) and the rule.</summary>
public sealed record RegistryCsvError(int Line, string Field, string Rule, string Message)
{
    public override string ToString() =>
        Field.Length == 0 ? $"line {Line}: {Rule}: {Message}" : $"line {Line}: {Field} {Rule}: {Message}";
}

/// <summary>One data record: the citizen when the line is valid, otherwise its errors.</summary>
public sealed record RegistryCsvRow(int Line, CitizenRecord? Record, IReadOnlyList<RegistryCsvError> Errors);

public sealed record RegistryCsvReadResult(IReadOnlyList<CitizenRecord> Records, IReadOnlyList<RegistryCsvError> Errors)
{
    /// <summary>How many lines were rejected (a line with several errors counts once).</summary>
    public int RejectedLines => Errors.Select(e => e.Line).Distinct().Count();
}
