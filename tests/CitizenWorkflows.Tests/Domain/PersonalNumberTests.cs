using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Tests.Domain;

public class PersonalNumberTests
{
    [Theory]
    [InlineData("001090123456", 1990, Sex.Male)]     // Hà Nội, 1900s male
    [InlineData("079305000001", 2005, Sex.Female)]   // Hồ Chí Minh, 2000s female
    [InlineData("096199999999", 1999, Sex.Female)]   // Cà Mau, 1900s female
    [InlineData("048400000000", 2100, Sex.Male)]     // Đà Nẵng, 2100s male
    public void A_number_consistent_with_birth_and_sex_is_valid(string number, int year, Sex sex)
    {
        Assert.Empty(PersonalNumber.Validate(number, new DateOnly(year, 6, 1), sex));
        PersonalNumber parsed = PersonalNumber.Parse(number);
        Assert.Equal(year, parsed.BirthYear);
        Assert.Equal(sex, parsed.Sex);
        Assert.Equal(number[..3], parsed.ProvinceCode);
    }

    [Theory]
    [InlineData("00109012345", "personal-number.format")]    // 11 digits
    [InlineData("0010901234567", "personal-number.format")]  // 13 digits
    [InlineData("00109012345A", "personal-number.format")]
    [InlineData("", "personal-number.format")]
    [InlineData("003090123456", "personal-number.province")] // 003 is not a province code
    [InlineData("097090123456", "personal-number.province")] // above the highest code 096
    public void A_malformed_number_names_the_broken_rule(string number, string rule)
    {
        Assert.Contains(PersonalNumber.Validate(number), v => v.Rule == rule);
    }

    [Fact]
    public void The_century_digit_must_match_the_birth_year()
    {
        // Digit 4 = 0 says "1900s male", but the person was born in 2005.
        IReadOnlyList<RuleViolation> violations = PersonalNumber.Validate("001005123456", new DateOnly(2005, 1, 1), Sex.Male);
        Assert.Contains(violations, v => v.Rule == "personal-number.century");
    }

    [Fact]
    public void The_year_digits_must_match_the_birth_year()
    {
        IReadOnlyList<RuleViolation> violations = PersonalNumber.Validate("001091123456", new DateOnly(1990, 1, 1), Sex.Male);
        Assert.Equal(["personal-number.birth-year"], violations.Select(v => v.Rule));
    }

    [Fact]
    public void The_sex_digit_must_match_the_sex()
    {
        IReadOnlyList<RuleViolation> violations = PersonalNumber.Validate("001090123456", new DateOnly(1990, 1, 1), Sex.Female);
        Assert.Equal(["personal-number.sex"], violations.Select(v => v.Rule));
    }

    [Theory]
    [InlineData(1985, Sex.Male, "0010" + "85")]
    [InlineData(1985, Sex.Female, "0011" + "85")]
    [InlineData(2012, Sex.Male, "0012" + "12")]
    [InlineData(2012, Sex.Female, "0013" + "12")]
    [InlineData(2101, Sex.Female, "0015" + "01")]
    [InlineData(2250, Sex.Male, "0016" + "50")]
    [InlineData(2399, Sex.Female, "0019" + "99")]
    public void The_prefix_encodes_province_century_sex_and_year(int year, Sex sex, string expected)
    {
        Assert.Equal(expected, PersonalNumber.PrefixFor("001", new DateOnly(year, 3, 3), sex));
    }

    [Fact]
    public void A_prefix_needs_a_known_province_and_a_representable_year()
    {
        Assert.Throws<ArgumentException>(() => PersonalNumber.PrefixFor("003", new DateOnly(1990, 1, 1), Sex.Male));
        Assert.Throws<ArgumentOutOfRangeException>(() => PersonalNumber.PrefixFor("001", new DateOnly(1899, 1, 1), Sex.Male));
    }

    [Fact]
    public void Composed_numbers_keep_the_prefix_and_pad_the_random_part()
    {
        Assert.Equal("001090000042", PersonalNumber.Compose("001090", 42).Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => PersonalNumber.Compose("001090", 1_000_000));
    }

    [Fact]
    public void All_63_provinces_load_from_the_shared_code_list()
    {
        Assert.Equal(63, Province.All.Count);
        Assert.True(Province.TryGet("079", out Province hcmc));
        Assert.Equal("Hồ Chí Minh", hcmc.Name);
        Assert.False(Province.IsKnown("003"));
    }
}
