namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// How long a card is valid (Law on Identification 2023, art. 21): it must be renewed when the holder turns 14, 25,
/// 40 and 60; a card issued within the two years before one of those ages stays valid until the next; a card issued
/// from age 58 on is valid for life.
/// </summary>
public static class CardValidity
{
    public static readonly IReadOnlyList<int> RenewalAges = [14, 25, 40, 60];

    /// <summary>The date the card expires (the holder's next renewal birthday), or null when it is valid for life.</summary>
    public static DateOnly? ExpiryFor(DateOnly dateOfBirth, DateOnly issueDate)
    {
        foreach (int age in RenewalAges)
        {
            DateOnly birthday = dateOfBirth.AddYears(age);
            if (issueDate < birthday.AddYears(-2))
            {
                return birthday;
            }
        }

        return null;
    }
}
