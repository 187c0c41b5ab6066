using System.Text;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.TestData;

namespace CitizenWorkflows.Tests.Registry;

public class RegistryCsvTests
{
    static readonly CitizenRecord Awkward = RegistrySamples.Hanh with
    {
        PersonalNumber = "001090000042",
        FullName = "Nguyễn Thị Ánh Tuyết",
        DateOfBirth = new DateOnly(1990, 2, 28),
        BirthProvinceCode = "001",
        NativePlace = "Xã \"Tân Lập\", Huyện Đan Phượng, Hà Nội",
        PermanentResidence = "Tầng 3, số 12\nNgõ 45 Lê Lợi, Phường Hàng Bạc, Hà Nội",
        CurrentResidence = "Phòng 2\r\n\"Nhà B\", 7 Hùng Vương, Đà Nẵng",
        Religion = "Phật giáo Hòa Hảo",
        Ethnicity = "H'Mông",
        SpouseName = null,
        HeadOfHousehold = "Nguyễn Văn Đức",
        OldIdNumber = "012345678",
        BloodType = null,
        Sex = Sex.Male,
    };

    [Fact]
    public void Records_survive_a_round_trip_including_commas_quotes_line_breaks_and_Vietnamese_text()
    {
        List<CitizenRecord> records = [.. SyntheticCitizens.Generate(seed: 7, count: 300), Awkward];

        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true))
        {
            Assert.Equal(301, RegistryCsv.Write(writer, records));
        }

        stream.Position = 0;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        RegistryCsvReadResult result = RegistryCsv.Read(reader);

        Assert.Empty(result.Errors);
        Assert.Equal(records, result.Records);
        Assert.Null(result.Records[^1].SpouseName);
        Assert.Equal("012345678", result.Records[^1].OldIdNumber); // the leading zero stays
    }

    [Fact]
    public void The_writer_quotes_only_what_needs_quoting_and_doubles_quotes()
    {
        // Each value as the second field of a record, so that a lone empty field is not confused with a blank line.
        static string Written(string? value) => RegistrySamples.Record(["x", value])[2..];

        Assert.Equal("Lê Lợi", Written("Lê Lợi"));
        Assert.Equal("\"12, Lê Lợi\"", Written("12, Lê Lợi"));
        Assert.Equal("\"Xã \"\"Tân Lập\"\"\"", Written("Xã \"Tân Lập\""));
        Assert.Equal("\"a\nb\"", Written("a\nb"));
        Assert.Equal("\"a\r\nb\"", Written("a\r\nb"));
        Assert.Equal("\" edge\"", Written(" edge"));
        Assert.Equal("\"edge\u00A0\"", Written("edge\u00A0")); // any Unicode white space, not only space and tab
        Assert.Equal("=1", Written("=1")); // formulas are defused per column, by the reports (SpreadsheetSafeText)
        Assert.Equal("", Written(null));
        Assert.Equal("", Written(""));

        var text = new StringWriter();
        RegistryCsv.Write(text, [Awkward]);
        string[] lines = text.ToString().Split("\r\n");
        Assert.Equal(RegistrySamples.Header, lines[0]);
        Assert.Contains("\"Xã \"\"Tân Lập\"\", Huyện Đan Phượng, Hà Nội\"", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",,Nguyễn Văn Đức,012345678,", text.ToString().TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_reader_follows_RFC_4180_and_counts_physical_lines()
    {
        const string csv = "a,\"b,c\",\"d\"\"e\"\r\n\"multi\r\nline\",,x\n\n\"last\nfield\"";
        List<CsvRecord> records = [.. CsvRecords.Read(new StringReader(csv))];

        Assert.Equal(3, records.Count);
        CsvRecord first = records[0];
        Assert.Equal(1, first.Line);
        Assert.Equal(["a", "b,c", "d\"e"], first.Fields);
        Assert.Null(first.Problem);

        CsvRecord second = records[1];
        Assert.Equal(2, second.Line);
        Assert.Equal(["multi\r\nline", "", "x"], second.Fields);

        CsvRecord third = records[2];
        Assert.Equal(5, third.Line); // line 4 is blank
        Assert.Equal(["last\nfield"], third.Fields);
    }

    [Fact]
    public void A_byte_order_mark_blank_lines_and_bare_CRs_are_read_as_before()
    {
        const string csv = "\uFEFFa,b\r\n\r\nc\rd\r\"e\rf\"\rg\r\n\r\n\r\n";
        Assert.Equal(
            [(1, "a|b"), (3, "c"), (4, "d"), (5, "e\rf"), (7, "g")],
            CsvRecords.Read(new StringReader(csv)).Select(r => (r.Line, string.Join('|', r.Fields))));
        Assert.Empty(CsvRecords.Read(new StringReader("\uFEFF\r\n")));
    }

    [Theory]
    [InlineData("ab\"c,d\nnext", "csv.quote")]
    [InlineData("\"ab\"c,d\nnext", "csv.quote")]
    [InlineData("x,ab\"c\nnext\ny\"z", "csv.quote")] // a stray quote does not open a quoted field that runs into the next lines
    public void Stray_quotes_spoil_only_their_record(string csv, string rule)
    {
        List<CsvRecord> records = [.. CsvRecords.Read(new StringReader(csv))];
        Assert.Equal(rule, records[0].Problem);
        Assert.Equal((2, "next"), (records[1].Line, records[1].Fields[0]));
        Assert.Null(records[1].Problem);
    }

    [Fact]
    public void An_unterminated_quote_is_reported()
    {
        CsvRecord record = Assert.Single(CsvRecords.Read(new StringReader("x,\"never closed\n" + new string('a', 50_000))));
        Assert.Equal((1, "csv.unterminated-quote"), (record.Line, record.Problem));
    }

    [Fact]
    public void Long_fields_and_extra_fields_spoil_their_record_and_a_record_too_long_to_hold_ends_the_reading()
    {
        string csv = "a," + new string('b', 11) + "\nc,d,e\nf\n\"" + new string('g', 100_000) + "\nh";
        List<CsvRecord> records = [.. CsvRecords.Read(new StringReader(csv), maxFieldLength: 10, maxFields: 2)];

        Assert.Equal(
            [(1, "csv.field-length"), (2, "csv.columns"), (3, null), (4, "csv.record-length")],
            records.Select(r => (r.Line, r.Problem)));
        Assert.Equal(2, records[1].Fields.Count);
        Assert.Contains("longer than", records[3].ProblemMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_line_is_reported_with_its_line_field_and_rule()
    {
        CitizenRecord ok = RegistrySamples.Hanh;
        CitizenRecord multiLine = Awkward;
        string csv = string.Join("\r\n",
            RegistrySamples.Header,                                                                    // 1
            RegistrySamples.Line(ok),                                                                  // 2
            RegistrySamples.Line(ok with { PersonalNumber = "079194001235" }, ("DateOfBirth", "15/08/1994")), // 3
            RegistrySamples.Line(ok with { PersonalNumber = "079294001236" }),                         // 4: digit 4 says 2000s
            RegistrySamples.Line(ok with { PersonalNumber = "079194001237" }, ("BirthProvinceCode", "003")), // 5
            RegistrySamples.Line(multiLine),                                                           // 6-8 (quoted line breaks)
            RegistrySamples.Line(ok with { PersonalNumber = "079194001238" },
                ("FullName", "  "), ("OldIdNumber", "12345"), ("BloodType", "X")),                    // 9
            "079194001239,Lê Văn Tám,1994-08-15",                                                      // 10
            RegistrySamples.Line(ok with { FullName = "Trần Thị Hạnh B" }),                            // 11: same number as line 2
            RegistrySamples.Line(ok with { PersonalNumber = "079194001240" }, ("Sex", "nữ")),          // 12
            RegistrySamples.Line(ok with { PersonalNumber = "079194001241" }, ("FatherName", "Trần Văn\nHùng"))); // 13-14

        RegistryCsvReadResult result = RegistryCsv.Read(new StringReader(csv));

        Assert.Equal(["079194001234", "001090000042"], result.Records.Select(r => r.PersonalNumber));
        var errors = result.Errors.Select(e => (e.Line, e.Field, e.Rule)).ToList();
        Assert.Contains((3, "DateOfBirth", "date.format"), errors);
        Assert.Contains((4, "PersonalNumber", "personal-number.century"), errors);
        Assert.Contains((5, "BirthProvinceCode", "province.known"), errors);
        Assert.Contains((9, "FullName", "required"), errors);
        Assert.Contains((9, "OldIdNumber", "old-id-number.format"), errors);
        Assert.Contains((9, "BloodType", "blood-type.allowed"), errors);
        Assert.Contains((10, "", "csv.columns"), errors);
        Assert.Contains((11, "PersonalNumber", "personal-number.duplicate"), errors);
        Assert.Contains((12, "Sex", "sex.allowed"), errors);
        Assert.Contains((13, "FatherName", "name.characters"), errors);
        Assert.Equal([3, 4, 5, 9, 10, 11, 12, 13], result.Errors.Select(e => e.Line).Distinct());
        Assert.Equal(8, result.RejectedLines);
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        Assert.Contains("line 11", result.Errors.Single(e => e.Rule == "personal-number.duplicate").ToString(), StringComparison.Ordinal);
        Assert.Contains("line 2", result.Errors.Single(e => e.Rule == "personal-number.duplicate").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_must_start_with_the_birth_province()
    {
        string csv = RegistrySamples.Header + "\n" + RegistrySamples.Line(RegistrySamples.Hanh, ("BirthProvinceCode", "001"));
        RegistryCsvReadResult result = RegistryCsv.Read(new StringReader(csv));
        Assert.Equal([(2, "PersonalNumber", "personal-number.birth-province")], result.Errors.Select(e => (e.Line, e.Field, e.Rule)));
    }

    [Fact]
    public void Columns_may_come_in_any_order_and_a_byte_order_mark_is_ignored()
    {
        List<string> columns = [.. RegistryCsv.Columns.Reverse()];
        string?[] fields = [.. RegistryCsv.Fields(RegistrySamples.Hanh).Reverse()];
        string csv = "\uFEFF" + string.Join(',', columns).ToLowerInvariant() + "\n" + RegistrySamples.Record(fields) + "\n";

        RegistryCsvReadResult result = RegistryCsv.Read(new StringReader(csv));

        Assert.Empty(result.Errors);
        Assert.Equal(RegistrySamples.Hanh, Assert.Single(result.Records));
    }

    [Fact]
    public void Text_is_trimmed_and_normalised_to_NFC()
    {
        string decomposed = "Tra\u0302\u0300n Thi\u0323 Ha\u0323nh"; // "Trần Thị Hạnh" in NFD
        string csv = RegistrySamples.Header + "\n" + RegistrySamples.Line(RegistrySamples.Hanh, ("FullName", "  " + decomposed + " "));
        Assert.Equal("Trần Thị Hạnh", Assert.Single(RegistryCsv.Read(new StringReader(csv)).Records).FullName);
    }

    [Fact]
    public void A_bad_header_names_the_missing_and_unknown_columns_and_stops()
    {
        string header = RegistrySamples.Header.Replace("MotherName", "Mother", StringComparison.Ordinal) + ",Extra";
        RegistryCsvReadResult result = RegistryCsv.Read(new StringReader(header + "\n" + RegistrySamples.Line(RegistrySamples.Hanh) + ",x"));

        Assert.Empty(result.Records);
        var errors = result.Errors.Select(e => (e.Line, e.Field, e.Rule)).ToList();
        Assert.Contains((1, "MotherName", "csv.header-missing"), errors);
        Assert.Contains((1, "Mother", "csv.header-unknown"), errors);
        Assert.Contains((1, "Extra", "csv.header-unknown"), errors);
        Assert.All(errors, e => Assert.Equal(1, e.Line));
    }

    [Fact]
    public void An_empty_file_is_an_error_not_an_empty_registry()
    {
        RegistryCsvError error = Assert.Single(RegistryCsv.Read(new StringReader("")).Errors);
        Assert.Equal((1, "csv.header"), (error.Line, error.Rule));
    }
}
