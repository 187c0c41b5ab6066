using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.TestData;

namespace CitizenWorkflows.Tests.Registry;

/// <summary>The registry on a private Azurite. Tests in a class run one after another, so counts before and after are exact.</summary>
public class PopulationRegistryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    readonly PopulationRegistry registry = new(azurite.Tables);

    public Task InitializeAsync() => registry.EnsureTableAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_citizen_is_stored_under_the_number_and_read_back_whole()
    {
        CitizenRecord hanh = RegistrySamples.Hanh;
        await registry.UpsertAsync(hanh);

        Assert.Equal(hanh, await registry.GetAsync(hanh.PersonalNumber));
        Assert.True(await registry.ExistsAsync(hanh.PersonalNumber));

        TableEntity row = (await azurite.Tables.GetTableClient(PopulationRegistry.TableName).GetEntityAsync<TableEntity>("079194", "079194001234")).Value;
        Assert.Equal("1994-08-15", row.GetString("DateOfBirth"));
        Assert.Equal("female", row.GetString("Sex"));
    }

    [Fact]
    public async Task An_upsert_replaces_the_whole_record()
    {
        CitizenRecord before = RegistrySamples.Hanh with { PersonalNumber = "079194000777" };
        await registry.UpsertAsync(before);
        CitizenRecord after = before with { SpouseName = null, BloodType = null, CurrentResidence = "7 Hùng Vương, Phường Thạch Thang, Đà Nẵng" };
        await registry.UpsertAsync(after);

        CitizenRecord stored = (await registry.GetAsync(after.PersonalNumber))!;
        Assert.Equal(after, stored);
        Assert.Null(stored.SpouseName);
    }

    [Theory]
    [InlineData("079194999999")] // valid, never stored
    [InlineData("003194000001")] // no such province
    [InlineData("12345")]
    [InlineData("")]
    public async Task An_unknown_or_impossible_number_is_not_found(string number)
    {
        Assert.Null(await registry.GetAsync(number));
        Assert.False(await registry.ExistsAsync(number));
    }

    [Fact]
    public async Task A_record_that_breaks_a_rule_is_refused_without_its_data_in_the_message()
    {
        CitizenRecord bad = RegistrySamples.Hanh with { PersonalNumber = "079094001234" }; // digit 4 says male
        var error = await Assert.ThrowsAsync<ArgumentException>(() => registry.UpsertAsync(bad));
        Assert.Contains("personal-number.sex", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Hạnh", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("079094001234", error.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<ArgumentException>(() => registry.UpsertBatchAsync([RegistrySamples.Hanh, bad]));
        Assert.False(await registry.ExistsAsync("079094001234"));
    }

    [Fact]
    public async Task A_batch_of_1000_loads_across_partitions_and_a_reload_changes_nothing()
    {
        List<CitizenRecord> citizens = [.. SyntheticCitizens.Generate(seed: 1000, count: 1000)];
        Assert.True(citizens.Select(c => PopulationRegistry.PartitionKeyOf(c.PersonalNumber)).Distinct().Count() > 500);
        long before = await registry.CountAsync();

        Assert.Equal(1000, await registry.UpsertBatchAsync(citizens));
        Assert.Equal(before + 1000, await registry.CountAsync());

        foreach (CitizenRecord citizen in citizens.Where((_, i) => i % 50 == 0))
        {
            Assert.Equal(citizen, await registry.GetAsync(citizen.PersonalNumber));
        }

        Assert.Equal(1000, await registry.UpsertBatchAsync(citizens));
        Assert.Equal(before + 1000, await registry.CountAsync());
    }

    [Fact]
    public async Task One_crowded_partition_is_split_into_transactions_of_100()
    {
        // 250 women born in Cà Mau in 1961: one partition, three transactions.
        CitizenRecord template = RegistrySamples.Hanh with { BirthProvinceCode = "096", DateOfBirth = new DateOnly(1961, 3, 9) };
        string prefix = PersonalNumber.PrefixFor("096", template.DateOfBirth, Sex.Female);
        List<CitizenRecord> crowd = [.. Enumerable.Range(0, 250).Select(i => template with { PersonalNumber = PersonalNumber.Compose(prefix, i).Value })];

        Assert.Equal(250, await registry.UpsertBatchAsync(crowd));
        Assert.Equal(250, await registry.CountAsync(prefix));
    }

    [Fact]
    public async Task A_number_given_twice_in_a_batch_keeps_its_last_record()
    {
        CitizenRecord first = RegistrySamples.Hanh with { PersonalNumber = "079194000888" };
        CitizenRecord second = first with { FullName = "Trần Thị Hạnh Dung" };

        Assert.Equal(1, await registry.UpsertBatchAsync([first, second]));
        Assert.Equal("Trần Thị Hạnh Dung", (await registry.GetAsync(first.PersonalNumber))!.FullName);
    }
}
