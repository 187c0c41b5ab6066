using System.Text;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.TestData;

namespace CitizenWorkflows.Tests.Registry;

public class SyntheticCitizensTests
{
    static readonly List<CitizenRecord> Citizens = [.. SyntheticCitizens.Generate(seed: 2024, count: 5000)];

    [Fact]
    public void Every_citizen_is_a_valid_registry_record()
    {
        Assert.All(Citizens, c => Assert.Empty(c.Validate()));
        Assert.All(Citizens, c => Assert.Empty(PersonalNumber.Validate(c.PersonalNumber, c.DateOfBirth, c.Sex)));
        Assert.All(Citizens, c => Assert.StartsWith(c.BirthProvinceCode, c.PersonalNumber, StringComparison.Ordinal));
    }

    [Fact]
    public void Personal_numbers_and_old_id_numbers_are_unique()
    {
        Assert.Equal(Citizens.Count, Citizens.Select(c => c.PersonalNumber).Distinct().Count());
        List<string> oldIds = [.. Citizens.Where(c => c.OldIdNumber is not null).Select(c => c.OldIdNumber!)];
        Assert.Equal(oldIds.Count, oldIds.Distinct().Count());
    }

    [Fact]
    public void Citizens_come_from_all_63_provinces_and_every_birth_year_range()
    {
        Assert.Equal(63, Citizens.Select(c => c.BirthProvinceCode).Distinct().Count());
        Assert.All(Citizens, c => Assert.InRange(c.DateOfBirth.Year, 1930, 2020));
        Assert.Contains(Citizens, c => c.DateOfBirth.Year < 1940);
        Assert.Contains(Citizens, c => c.DateOfBirth.Year > 2015);
        Assert.InRange(Citizens.Count(c => c.Sex == Sex.Female), 2300, 2700);
        Assert.True(Citizens.Select(c => c.PersonalNumber[..6]).Distinct().Count() > 2000, "numbers spread over many partitions");
    }

    [Fact]
    public void The_same_seed_gives_the_same_citizens_and_another_seed_others()
    {
        List<CitizenRecord> again = [.. SyntheticCitizens.Generate(seed: 2024, count: 5000)];
        Assert.Equal(Citizens, again);
        Assert.Equal(Citizens.Take(100), SyntheticCitizens.Generate(seed: 2024, count: 100));

        List<CitizenRecord> other = [.. SyntheticCitizens.Generate(seed: 2025, count: 100)];
        Assert.NotEqual(Citizens.Take(100), other);
        Assert.True(other.Select(c => c.PersonalNumber).Intersect(Citizens.Take(100).Select(c => c.PersonalNumber)).Count() < 5);
    }

    [Fact]
    public void Names_are_Vietnamese_with_sex_appropriate_middle_names()
    {
        Assert.All(Citizens, c =>
        {
            Assert.True(c.FullName.IsNormalized(NormalizationForm.FormC));
            string[] words = c.FullName.Split(' ');
            Assert.InRange(words.Length, 2, 5);
            Assert.True(c.Sex == Sex.Male ? words[1] != "Thị" : words[1] is not ("Văn" or "A"), c.FullName);
            Assert.Equal(words[0], c.FatherName.Split(' ')[0]); // children take the father's family name
            Assert.DoesNotContain(" Thị ", c.FatherName, StringComparison.Ordinal);
            Assert.DoesNotContain(" Văn ", c.MotherName, StringComparison.Ordinal);
        });

        double nguyen = Citizens.Count(c => c.FullName.StartsWith("Nguyễn ", StringComparison.Ordinal)) / (double)Citizens.Count;
        Assert.InRange(nguyen, 0.2, 0.45);
        Assert.Contains(Citizens, c => c.Sex == Sex.Female && c.FullName.Split(' ')[1] == "Thị");
        Assert.Contains(Citizens, c => c.Sex == Sex.Male && c.FullName.Split(' ')[1] == "Văn");
    }

    [Fact]
    public void Ethnicity_religion_and_nationality_look_like_Vietnam()
    {
        Assert.InRange(Citizens.Count(c => c.Ethnicity == "Kinh") / (double)Citizens.Count, 0.7, 0.95);
        Assert.Superset(
            new HashSet<string> { "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông" },
            Citizens.Select(c => c.Ethnicity).ToHashSet());
        Assert.Equal(8, Citizens.Select(c => c.Ethnicity).Distinct().Count());
        Assert.True(Citizens.Count(c => c.Religion == "Không") > Citizens.Count / 2);
        Assert.All(Citizens, c => Assert.Equal("Việt Nam", c.Nationality));
        Assert.Equal(["A", "AB", "B", "O"], Citizens.Where(c => c.BloodType is not null).Select(c => c.BloodType!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Addresses_name_a_province_and_only_adults_have_a_spouse()
    {
        HashSet<string> provinceNames = [.. Province.All.Select(p => p.Name)];
        Assert.All(Citizens, c =>
        {
            Assert.Contains(c.PermanentResidence[(c.PermanentResidence.LastIndexOf(", ", StringComparison.Ordinal) + 2)..], provinceNames);
            Assert.Contains(c.CurrentResidence[(c.CurrentResidence.LastIndexOf(", ", StringComparison.Ordinal) + 2)..], provinceNames);
            Assert.Matches(@"^(\d+ [^,]+, Phường [^,]+|Thôn \d+, Xã [^,]+), [^,]+$", c.PermanentResidence);
            if (c.SpouseName is not null)
            {
                Assert.True(c.DateOfBirth.AddYears(18) <= SyntheticCitizens.ReferenceDate, "a spouse only for adults");
            }
        });

        Assert.Contains(Citizens, c => c.SpouseName is not null);
        Assert.Contains(Citizens, c => c.SpouseName is null && c.DateOfBirth.Year < 1990);
        Assert.Contains(Citizens, c => c.PermanentResidence != c.CurrentResidence);
    }

    [Fact]
    public void A_negative_count_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticCitizens.Generate(1, -1));
        Assert.Empty(SyntheticCitizens.Generate(1, 0));
    }
}
