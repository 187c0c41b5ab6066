using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Registry;

namespace CitizenWorkflows.Tests.Registry;

/// <summary>Known-good registry records the registry tests vary.</summary>
public static class RegistrySamples
{
    /// <summary>Trần Thị Hạnh, born 1994 in Hồ Chí Minh: the applicant of the lifecycle tests.</summary>
    public static CitizenRecord Hanh { get; } = new(
        PersonalNumber: "079194001234",
        FullName: "Trần Thị Hạnh",
        DateOfBirth: new DateOnly(1994, 8, 15),
        Sex: Sex.Female,
        BirthProvinceCode: "079",
        NativePlace: "Xã Tân Lập, Nam Định",
        Ethnicity: "Kinh",
        Religion: "Không",
        Nationality: "Việt Nam",
        PermanentResidence: "45 Nguyễn Trãi, Phường Bến Thành, Hồ Chí Minh",
        CurrentResidence: "45 Nguyễn Trãi, Phường Bến Thành, Hồ Chí Minh",
        FatherName: "Trần Văn Hùng",
        MotherName: "Nguyễn Thị Lan",
        SpouseName: "Lê Minh Quân",
        HeadOfHousehold: "Lê Minh Quân",
        OldIdNumber: "025123456",
        BloodType: "O");

    /// <summary>One CSV data line: the record's fields in column order, with some columns replaced by raw text.</summary>
    public static string Line(CitizenRecord record, params (string Column, string Value)[] changes)
    {
        string?[] fields = [.. RegistryCsv.Fields(record)];
        foreach ((string column, string value) in changes)
        {
            fields[RegistryCsv.Columns.ToList().IndexOf(column)] = value;
        }

        return Record(fields);
    }

    /// <summary>Fields as the project writes them, as one CSV line without its line end.</summary>
    public static string Record(IEnumerable<string?> fields)
    {
        var text = new StringWriter();
        using (CsvHelper.CsvWriter csv = CsvRecords.Writer(text))
        {
            csv.WriteRecord([.. fields]);
        }

        return text.ToString()[..^2];
    }

    public static string Header => string.Join(',', RegistryCsv.Columns);
}
