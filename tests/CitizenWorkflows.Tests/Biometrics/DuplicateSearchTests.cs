using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Biometrics.Fingerprints;
using CitizenWorkflows.Workflow.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using CitizenWorkflows.TestData;

namespace CitizenWorkflows.Tests.Biometrics;

/// <summary>The duplicate indexes on Azurite: demographic keys and the fingerprint gallery shared by several workers.</summary>
public sealed class DuplicateSearchTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Theory]
    [InlineData("Trần Thị Hạnh", "TRAN THI HANH")]
    [InlineData("  trần   thị  HẠNH ", "TRAN THI HANH")]
    [InlineData("Đặng Văn Đức", "DANG VAN DUC")]
    [InlineData("Nguyễn-Thị  Ngọc'Ánh", "NGUYEN THI NGOC ANH")]
    [InlineData("Lê Thị Thu Hà", "LE THI THU HA")]
    public void Names_are_compared_without_diacritics_case_or_punctuation(string name, string normalised) =>
        Assert.Equal(normalised, DemographicKey.NormaliseName(name));

    [Fact]
    public void The_key_holds_name_birth_date_and_birth_province_and_the_index_stores_only_its_digest()
    {
        Applicant hanh = Samples.Hanh;
        Assert.Equal("TRAN THI HANH|1994-08-15|079", DemographicKey.Of(hanh));
        Assert.Equal(DemographicKey.Digest(hanh), DemographicKey.Digest(hanh with { FullName = "TRAN THI HANH", PersonalNumber = null }));
        Assert.NotEqual(DemographicKey.Digest(hanh), DemographicKey.Digest(hanh with { BirthProvinceCode = "001" }));
        Assert.NotEqual(DemographicKey.Digest(hanh), DemographicKey.Digest(hanh with { DateOfBirth = new DateOnly(1994, 8, 16) }));
        Assert.Matches("^[0-9a-f]{64}$", DemographicKey.Digest(hanh));
    }

    [Fact]
    public void Configured_search_fingers_replace_the_defaults()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Biometrics:Duplicates:SearchFingers:0"] = "2",
            ["Biometrics:Duplicates:SearchFingers:1"] = "7",
        }).Build();
        DuplicateSearchOptions options = configuration.GetSection(DuplicateSearchOptions.SectionName).Get<DuplicateSearchOptions>()!;
        Assert.Equal([2, 7], options.FingersSearched);
        Assert.Equal([1, 2, 6, 7], new DuplicateSearchOptions().FingersSearched);
    }

    [Fact]
    public async Task Enrolling_twice_is_one_entry_and_a_namesake_finds_the_earlier_application()
    {
        var index = new DemographicIndex(azurite.Tables);
        await azurite.Tables.GetTableClient(DemographicIndex.TableName).CreateIfNotExistsAsync();
        Applicant person = Samples.NextApplicant() with { PersonalNumber = null };

        Assert.Empty(await index.EnrolAndFindAsync("app-one", person, default));
        Assert.Empty(await index.EnrolAndFindAsync("app-one", person, default));
        DemographicMatch match = Assert.Single(await index.EnrolAndFindAsync("app-two", person with { FullName = person.FullName.ToUpperInvariant() }, default));
        Assert.Equal(new DemographicMatch("app-one", null), match);

        await index.LinkAsync("app-one", person, "079194777777", default);
        Assert.Equal("079194777777", Assert.Single(await index.EnrolAndFindAsync("app-three", person, default), m => m.ApplicationId == "app-one").PersonalNumber);
    }

    [Fact]
    public async Task A_second_worker_finds_what_the_first_enrolled_and_a_different_person_matches_nobody()
    {
        string table = FingerprintSearchIndex.TableName;
        await azurite.Tables.GetTableClient(table).CreateIfNotExistsAsync();
        using FingerprintSearchIndex first = Index();
        using FingerprintSearchIndex second = Index();

        Assert.Empty(await first.EnrolAndSearchAsync("enrolled-first", null, Impressions(identity: 7, seed: 1), default));

        // Another worker, another process's memory: it reads the first worker's enrolment from the table before searching.
        FingerprintMatch match = Assert.Single(await second.EnrolAndSearchAsync("enrolled-second", null, Impressions(identity: 7, seed: 2), default));
        Assert.Equal("enrolled-first", match.ApplicationId);
        Assert.Equal((4, 4), (match.MatchingFingers, match.ComparedFingers));

        Assert.Empty(await second.EnrolAndSearchAsync("someone-else", null, Impressions(identity: 8, seed: 1), default));

        // A retried enrolment is one identity, and a renewal learns the number the first application was given.
        Assert.Single(await first.EnrolAndSearchAsync("enrolled-second", null, Impressions(identity: 7, seed: 2), default));
        await first.LinkAsync("enrolled-first", "079194123456", default);
        using FingerprintSearchIndex third = Index();
        Assert.Equal("079194123456", (await third.EnrolAndSearchAsync("renewal", "079194123456", Impressions(identity: 7, seed: 3), default))
            .Single(m => m.ApplicationId == "enrolled-first").PersonalNumber);
        Assert.Equal(4, third.Count);
    }

    FingerprintSearchIndex Index() => new(azurite.Tables, Options.Create(new DuplicateSearchOptions()), TimeProvider.System);

    static MinutiaeRecord[] Impressions(int identity, int seed) =>
        [.. DuplicateSearchOptions.DefaultSearchFingers.Select(p => SyntheticFingerprints.Impression(SyntheticFingerprints.Master(identity, seed: 77, fingerPosition: p), new Random((seed * 100) + p)))];
}
