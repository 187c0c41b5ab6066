using CitizenWorkflows.Workflow.Production;

namespace CitizenWorkflows.Tests.Production;

/// <summary>Card expiry by the renewal ages 14, 25, 40 and 60, with the two-year rule before each.</summary>
public class CardValidityTests
{
    static readonly DateOnly Born = new(1994, 8, 15);

    [Theory]
    [InlineData("2004-08-15", "2008-08-15")] // age 10: renewed at 14
    [InlineData("2006-08-14", "2008-08-15")] // the day before the two-year window opens
    [InlineData("2006-08-15", "2019-08-15")] // within two years of 14: valid until 25
    [InlineData("2026-11-26", "2034-08-15")] // age 32: until 40
    [InlineData("2032-08-15", "2054-08-15")] // within two years of 40: until 60
    [InlineData("2052-08-14", "2054-08-15")] // age 57, just before the last window
    public void A_card_is_valid_until_the_next_renewal_age(string issued, string expires) =>
        Assert.Equal(DateOnly.Parse(expires, System.Globalization.CultureInfo.InvariantCulture),
            CardValidity.ExpiryFor(Born, DateOnly.Parse(issued, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2052-08-15")] // age 58: within two years of 60
    [InlineData("2060-01-01")] // age 65
    public void A_card_issued_from_58_on_is_valid_for_life(string issued) =>
        Assert.Null(CardValidity.ExpiryFor(Born, DateOnly.Parse(issued, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_leap_day_birthday_renews_on_the_28th_of_February_in_common_years() =>
        Assert.Equal(new DateOnly(2025, 2, 28), CardValidity.ExpiryFor(new DateOnly(2000, 2, 29), new DateOnly(2020, 6, 1)));
}
