using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Registry;

namespace CitizenWorkflows.Tests.Registry;

public class RegistryComparisonTests
{
    static readonly CitizenRecord Hanh = RegistrySamples.Hanh;

    static RegistryMatch Compare(string? fullName = null, DateOnly? dateOfBirth = null, Sex? sex = null, string? province = null) =>
        RegistryComparison.Compare(Hanh, fullName ?? Hanh.FullName, dateOfBirth ?? Hanh.DateOfBirth, sex ?? Hanh.Sex, province ?? Hanh.BirthProvinceCode);

    [Fact]
    public void The_same_person_matches()
    {
        RegistryMatch match = Compare();
        Assert.Equal(RegistryOutcome.Match, match.Outcome);
        Assert.Empty(match.MismatchedFields);
    }

    [Theory]
    [InlineData("TRẦN THỊ HẠNH")]
    [InlineData("trần thị hạnh")]
    [InlineData("  Trần   Thị\tHạnh  ")]
    [InlineData("Tra\u0302\u0300n Thi\u0323 Ha\u0323nh")] // decomposed (NFD)
    public void Case_whitespace_and_Unicode_composition_do_not_matter(string name)
    {
        Assert.Equal(RegistryOutcome.Match, Compare(fullName: name).Outcome);
    }

    [Theory]
    [InlineData("Tran Thi Hanh")]
    [InlineData("Trần Thị Hanh")]
    [InlineData("Trần Thi Hạnh")]
    [InlineData("Trân Thị Hạnh")]
    [InlineData("Trần Thị Hạnh Mai")]
    public void Diacritics_and_words_do_matter(string name)
    {
        RegistryMatch match = Compare(fullName: name);
        Assert.Equal(RegistryOutcome.Mismatch, match.Outcome);
        Assert.Equal(["FullName"], match.MismatchedFields);
    }

    [Fact]
    public void Le_is_not_Le_without_its_circumflex()
    {
        Assert.False(RegistryComparison.NamesEqual("Lê Văn Tám", "Le Van Tam"));
        Assert.False(RegistryComparison.NamesEqual("Lê", "Le"));
        Assert.True(RegistryComparison.NamesEqual("LÊ", "lê"));
        Assert.False(RegistryComparison.NamesEqual("Đức", "Duc"));
    }

    [Fact]
    public void Each_compared_field_is_named_when_it_differs()
    {
        Assert.Equal(["FullName"], Compare(fullName: "Trần Thị Hà").MismatchedFields);
        Assert.Equal(["DateOfBirth"], Compare(dateOfBirth: new DateOnly(1994, 8, 16)).MismatchedFields);
        Assert.Equal(["Sex"], Compare(sex: Sex.Male).MismatchedFields);
        Assert.Equal(["BirthProvinceCode"], Compare(province: "001").MismatchedFields);
        Assert.Equal(RegistryOutcome.Match, Compare(province: " 079 ").Outcome);

        RegistryMatch all = Compare("Lê Văn Tám", new DateOnly(1950, 1, 1), Sex.Male, "001");
        Assert.Equal(RegistryOutcome.Mismatch, all.Outcome);
        Assert.Equal(["FullName", "DateOfBirth", "Sex", "BirthProvinceCode"], all.MismatchedFields);
    }

    [Fact]
    public void No_record_means_an_unknown_person()
    {
        RegistryMatch match = RegistryComparison.Compare(null, Hanh.FullName, Hanh.DateOfBirth, Hanh.Sex, Hanh.BirthProvinceCode);
        Assert.Equal(RegistryOutcome.Unknown, match.Outcome);
        Assert.Empty(match.MismatchedFields);
    }
}
