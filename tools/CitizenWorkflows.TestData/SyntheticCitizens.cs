using System.Globalization;
using CitizenWorkflows.Workflow.Domain;

using CitizenWorkflows.Workflow.Registry;

namespace CitizenWorkflows.TestData;

/// <summary>
/// Realistic synthetic citizens for tests, demos and load runs — no real person in them. Deterministic: the same
/// seed and count give the same citizens, in the same order. Births are 1930–2020 across all 63 provinces; names
/// follow Vietnamese patterns (family name by frequency, sex-appropriate middle names, more "Văn"/"Thị" among the
/// old, minority family names for minority citizens); ethnicity and religion follow each province's make-up roughly;
/// children carry their father's family name; adults may have a spouse; ages are taken on
/// <see cref="ReferenceDate"/> so that the output never depends on the clock.
/// </summary>
public static class SyntheticCitizens
{
    /// <summary>The day ages are computed on (marriage, head of household, old ID card).</summary>
    public static readonly DateOnly ReferenceDate = new(2025, 1, 1);

    public const int FirstBirthYear = 1930;
    public const int LastBirthYear = 2020;

    const string Kinh = "Kinh";
    const string Tay = "Tày";
    const string Thai = "Thái";
    const string Muong = "Mường";
    const string Khmer = "Khmer";
    const string Hoa = "Hoa";
    const string Nung = "Nùng";
    const string Hmong = "H'Mông";

    static readonly Province[] Provinces = [.. Province.All];

    /// <summary>Where people move to: a resident elsewhere than the birth province most often lives in one of these.</summary>
    static readonly string[] CityCodes = ["079", "001", "074", "075", "048", "031", "092"];

    static readonly (string, int)[] KinhFamilies =
    [
        ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 71), ("Hoàng", 35), ("Huỳnh", 16), ("Phan", 45), ("Vũ", 25),
        ("Võ", 14), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 8),
        ("Trương", 8), ("Lâm", 5), ("Mai", 5), ("Cao", 4), ("Đào", 4), ("Trịnh", 5), ("Lương", 4), ("Hà", 4), ("Tô", 3),
        ("Chu", 3), ("Đoàn", 5), ("Vương", 3), ("Lưu", 3), ("Tạ", 3), ("Kiều", 2), ("Quách", 2),
    ];

    static readonly Dictionary<string, string[]> MinorityFamilies = new(StringComparer.Ordinal)
    {
        [Tay] = ["Hoàng", "Nông", "Ma", "Lương", "Bế", "Hà", "Đàm", "Lục", "Triệu", "Nguyễn"],
        [Nung] = ["Hoàng", "Nông", "Lương", "Lý", "Chu", "Mông", "Vi", "Lăng", "Hứa"],
        [Thai] = ["Lò", "Cầm", "Lường", "Quàng", "Vi", "Hà", "Điêu", "Lù", "Tòng"],
        [Muong] = ["Bùi", "Đinh", "Quách", "Hà", "Xa", "Bạch"],
        [Hoa] = ["Lâm", "Lý", "Trương", "Quách", "Hứa", "Mạch", "Châu", "Tăng", "Lưu", "Diệp"],
        [Hmong] = ["Giàng", "Vàng", "Thào", "Sùng", "Lý", "Hầu", "Mùa", "Lầu", "Sình", "Cứ"],
        [Khmer] = ["Thạch", "Danh", "Sơn", "Kim", "Lâm", "Châu", "Lý", "Huỳnh"],
    };

    static readonly string[] MaleMiddles = ["Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Hoàng", "Tuấn", "Gia", "Bảo", "Đình", "Trọng", "Quốc", "Anh", "Thanh", "Mạnh", "Duy"];
    static readonly string[] FemaleMiddles = ["Ngọc", "Thu", "Thanh", "Mai", "Phương", "Bích", "Kim", "Hồng", "Thùy", "Khánh", "Minh", "Bảo", "Hoài", "Diệu", "Tuyết", "Quỳnh", "Lan", "Hải"];

    static readonly string[] MaleGivens =
    [
        "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Long",
        "Lộc", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung",
        "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưng", "Lâm", "Tú", "Đức",
    ];

    static readonly string[] FemaleGivens =
    [
        "An", "Anh", "Châu", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Hương", "Huyền", "Lan", "Liên",
        "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang",
        "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Thư", "Nhi",
    ];

    static readonly string[] HmongMaleGivens = ["Páo", "Sính", "Chứ", "Dính", "Lử", "Chơ", "Pó", "Dế", "Tủa", "Sử", "Chía", "Của"];
    static readonly string[] HmongFemaleGivens = ["Mỷ", "Sua", "Dợ", "Chà", "Súa", "Pàng", "Dở", "Ku", "Máy", "Xúa", "Dua", "Sí"];
    static readonly string[] KhmerMaleGivens = ["Sóc", "Phol", "Rết", "Vọl", "Sà Rinh", "Sô Phanh", "Chanh Đa", "Ca Ri", "Sa Vong", "Thươl"];
    static readonly string[] KhmerFemaleGivens = ["Sa Rây", "Sô Phia", "Chanh Thy", "Ra Vy", "Sóc Thia", "Đa Ni", "Sa Quây", "Thi Da", "Sà Phonl", "Kim Thoa"];

    static readonly string[] Streets =
    [
        "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ", "Nguyễn Huệ", "Lê Duẩn",
        "Quang Trung", "Hùng Vương", "Phan Chu Trinh", "Trần Phú", "Nguyễn Du", "Lê Thánh Tông", "Bà Triệu", "Nguyễn Văn Cừ",
        "Võ Thị Sáu", "Hoàng Diệu", "Ngô Quyền", "Trần Quang Khải", "Lê Hồng Phong", "Phạm Văn Đồng", "Nguyễn Thị Minh Khai",
        "Cách Mạng Tháng Tám", "Nguyễn Chí Thanh", "Lạc Long Quân",
    ];

    static readonly string[] Wards =
    [
        "Phường Hòa Bình", "Phường Tân Phú", "Phường Quang Trung", "Phường Bến Thành", "Phường Trần Phú", "Phường Hùng Vương",
        "Phường Lê Lợi", "Phường An Phú", "Phường Tân Định", "Phường Minh Khai", "Phường Đông Hòa", "Phường Phú Hòa",
        "Phường Nghĩa Tân", "Phường Thắng Lợi", "Phường 1", "Phường 2", "Phường 3", "Phường 5", "Phường 7", "Phường 9",
    ];

    static readonly string[] Communes =
    [
        "Xã Tân Lập", "Xã An Bình", "Xã Hòa Bình", "Xã Phú Thịnh", "Xã Đông Hưng", "Xã Tân Thành", "Xã Hưng Đạo", "Xã Quảng Phú",
        "Xã Nghĩa Hưng", "Xã Thanh Sơn", "Xã Phước Long", "Xã Mỹ Hòa", "Xã Long Hưng", "Xã Yên Lạc", "Xã Bình Minh", "Xã Xuân Phong",
    ];

    /// <summary>Minority shares by province of birth (per mille, the rest Kinh); provinces not listed are ~98.5 % Kinh.</summary>
    static readonly Dictionary<string, (string, int)[]> Ethnicities = new(StringComparer.Ordinal)
    {
        ["002"] = [(Hmong, 350), (Tay, 250), (Nung, 100)],
        ["004"] = [(Tay, 420), (Nung, 330), (Hmong, 110)],
        ["006"] = [(Tay, 560), (Nung, 100), (Hmong, 70)],
        ["008"] = [(Tay, 270), (Hmong, 30), (Nung, 20)],
        ["010"] = [(Hmong, 260), (Tay, 160), (Nung, 50)],
        ["011"] = [(Thai, 400), (Hmong, 360)],
        ["012"] = [(Thai, 340), (Hmong, 250)],
        ["014"] = [(Thai, 540), (Hmong, 170), (Muong, 80)],
        ["015"] = [(Tay, 200), (Hmong, 120), (Thai, 60)],
        ["017"] = [(Muong, 630), (Thai, 40)],
        ["019"] = [(Tay, 110), (Nung, 50)],
        ["020"] = [(Nung, 430), (Tay, 360), (Hoa, 10)],
        ["022"] = [(Tay, 40), (Hoa, 20)],
        ["024"] = [(Nung, 50), (Tay, 30)],
        ["025"] = [(Muong, 130)],
        ["038"] = [(Muong, 90), (Thai, 60)],
        ["040"] = [(Thai, 100), (Hmong, 10)],
        ["066"] = [(Tay, 40), (Nung, 30), (Thai, 10)],
        ["067"] = [(Nung, 70), (Tay, 60), (Hmong, 50)],
        ["075"] = [(Hoa, 30), (Nung, 10)],
        ["079"] = [(Hoa, 50)],
        ["084"] = [(Khmer, 310)],
        ["089"] = [(Khmer, 40), (Hoa, 10)],
        ["091"] = [(Khmer, 120), (Hoa, 20)],
        ["092"] = [(Khmer, 20), (Hoa, 10)],
        ["093"] = [(Khmer, 20)],
        ["094"] = [(Khmer, 300), (Hoa, 50)],
        ["095"] = [(Khmer, 80), (Hoa, 30)],
        ["096"] = [(Khmer, 20), (Hoa, 10)],
    };

    static readonly (string, int)[] ElsewhereMinorities = [(Hoa, 5), (Tay, 3), (Muong, 3), (Thai, 2), (Nung, 2)];

    static readonly (string, int)[] BloodTypeShares = [("O", 42), ("B", 31), ("A", 21), ("AB", 6)];

    /// <summary>
    /// <paramref name="count"/> citizens with valid, unique personal numbers, generated lazily (a large count streams);
    /// enumerating again yields the same citizens.
    /// </summary>
    public static IEnumerable<CitizenRecord> Generate(int seed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Iterate(seed, count);
    }

    static IEnumerable<CitizenRecord> Iterate(int seed, int count)
    {
        var random = new Random(seed);
        var numbers = new HashSet<long>();
        var oldIds = new HashSet<int>();
        for (int i = 0; i < count; i++)
        {
            yield return Next(random, numbers, oldIds);
        }
    }

    static CitizenRecord Next(Random random, HashSet<long> numbers, HashSet<int> oldIds)
    {
        Province birthProvince = Provinces[random.Next(Provinces.Length)];
        Sex sex = random.Next(2) == 0 ? Sex.Male : Sex.Female;
        int year = random.Next(FirstBirthYear, LastBirthYear + 1);
        DateOnly dateOfBirth = new DateOnly(year, 1, 1).AddDays(random.Next(DateTime.IsLeapYear(year) ? 366 : 365));
        int age = AgeOn(dateOfBirth, ReferenceDate);

        string ethnicity = PickEthnicity(random, birthProvince.Code);
        string religion = PickReligion(random, ethnicity, birthProvince.Code);

        string family = FamilyName(random, ethnicity);
        string fullName = PersonName(random, ethnicity, sex, year, family);
        string fatherName = PersonName(random, ethnicity, Sex.Male, year - 28, family);
        string motherName = PersonName(random, ethnicity, Sex.Female, year - 25, OtherFamilyName(random, ethnicity, family));

        string prefix = PersonalNumber.PrefixFor(birthProvince.Code, dateOfBirth, sex);
        long prefixValue = long.Parse(prefix, CultureInfo.InvariantCulture) * 1_000_000;
        int digits;
        do
        {
            digits = random.Next(1_000_000);
        }
        while (!numbers.Add(prefixValue + digits));

        string personalNumber = PersonalNumber.Compose(prefix, digits).Value;

        Province nativeProvince = random.Next(100) < 75 ? birthProvince : Provinces[random.Next(Provinces.Length)];
        string nativePlace = $"{Communes[random.Next(Communes.Length)]}, {nativeProvince.Name}";

        Province home = random.Next(100) < 80 ? birthProvince : ProvinceOf(CityCodes[random.Next(CityCodes.Length)]);
        string permanent = Address(random, home);
        string current = random.Next(100) < 85
            ? permanent
            : Address(random, ProvinceOf(CityCodes[random.Next(CityCodes.Length)]));

        string? spouse = null;
        int marriedChance = age < (sex == Sex.Male ? 20 : 18) ? 0 : age < 25 ? 30 : age < 35 ? 70 : 85;
        if (random.Next(100) < marriedChance)
        {
            Sex other = sex == Sex.Male ? Sex.Female : Sex.Male;
            spouse = PersonName(random, ethnicity, other, year + (sex == Sex.Male ? 3 : -3), OtherFamilyName(random, ethnicity, family));
        }

        string headOfHousehold = HeadOfHousehold(random, age, sex, fullName, fatherName, motherName, spouse);

        // The 9-digit CMND was issued from age 14 until the chip card replaced it (2016-2021).
        string? oldId = null;
        if (year <= 2006 && random.Next(100) < 75)
        {
            int id;
            do
            {
                id = random.Next(10_000_000, 400_000_000);
            }
            while (!oldIds.Add(id));

            oldId = id.ToString("D9", CultureInfo.InvariantCulture);
        }

        string? bloodType = random.Next(100) < 85 ? Pick(random, BloodTypeShares) : null;

        return new CitizenRecord(
            personalNumber, fullName, dateOfBirth, sex, birthProvince.Code, nativePlace, ethnicity, religion, "Việt Nam",
            permanent, current, fatherName, motherName, spouse, headOfHousehold, oldId, bloodType);
    }

    static string PickEthnicity(Random random, string provinceCode)
    {
        (string, int)[] minorities = Ethnicities.GetValueOrDefault(provinceCode) ?? ElsewhereMinorities;
        int roll = random.Next(1000);
        foreach ((string ethnicity, int share) in minorities)
        {
            if (roll < share)
            {
                return ethnicity;
            }

            roll -= share;
        }

        return Kinh;
    }

    static string PickReligion(Random random, string ethnicity, string provinceCode)
    {
        (string, int)[] shares = ethnicity switch
        {
            Khmer => [("Phật giáo", 90), ("Không", 10)],
            Hoa => [("Không", 50), ("Phật giáo", 45), ("Công giáo", 5)],
            Hmong => [("Không", 75), ("Tin Lành", 25)],
            Kinh => provinceCode switch
            {
                "036" or "037" or "075" => [("Không", 65), ("Công giáo", 25), ("Phật giáo", 10)],
                "089" => [("Không", 55), ("Phật giáo Hòa Hảo", 30), ("Phật giáo", 15)],
                "072" => [("Không", 60), ("Cao Đài", 25), ("Phật giáo", 15)],
                _ => [("Không", 82), ("Phật giáo", 9), ("Công giáo", 7), ("Tin Lành", 1), ("Cao Đài", 1)],
            },
            _ => [("Không", 94), ("Công giáo", 3), ("Tin Lành", 3)],
        };
        return Pick(random, shares);
    }

    static string FamilyName(Random random, string ethnicity) =>
        MinorityFamilies.TryGetValue(ethnicity, out string[]? families) && random.Next(100) < 90
            ? families[random.Next(families.Length)]
            : Pick(random, KinhFamilies);

    static string OtherFamilyName(Random random, string ethnicity, string not)
    {
        while (true)
        {
            string family = FamilyName(random, ethnicity);
            if (family != not)
            {
                return family;
            }
        }
    }

    /// <summary>Family + middle + given, with middle names for the person's sex; "Văn"/"Thị" are commoner the older the person.</summary>
    static string PersonName(Random random, string ethnicity, Sex sex, int birthYear, string family)
    {
        bool male = sex == Sex.Male;
        if (ethnicity == Hmong)
        {
            return $"{family} {(male ? "A" : "Thị")} {Of(random, male ? HmongMaleGivens : HmongFemaleGivens)}";
        }

        if (ethnicity == Khmer)
        {
            string given = Of(random, male ? KhmerMaleGivens : KhmerFemaleGivens);
            return random.Next(100) < 60 ? $"{family} {(male ? "Văn" : "Thị")} {given}" : $"{family} {given}";
        }

        int traditional = birthYear < 1970 ? (male ? 60 : 75) : birthYear < 1990 ? (male ? 40 : 55) : (male ? 20 : 30);
        string middle = random.Next(100) < traditional
            ? (male ? "Văn" : "Thị")
            : Of(random, male ? MaleMiddles : FemaleMiddles);
        return $"{family} {middle} {Of(random, male ? MaleGivens : FemaleGivens)}";
    }

    static string HeadOfHousehold(Random random, int age, Sex sex, string self, string father, string mother, string? spouse)
    {
        if (age < 18)
        {
            return random.Next(100) < 80 ? father : mother;
        }

        if (spouse is not null)
        {
            return sex == Sex.Male || random.Next(100) < 25 ? self : spouse;
        }

        return age < 30 && random.Next(100) < 70 ? father : self;
    }

    /// <summary>"12 Lê Lợi, Phường Tân Phú, Hồ Chí Minh" in towns, "Thôn 3, Xã Tân Lập, Sơn La" in the countryside.</summary>
    static string Address(Random random, Province province)
    {
        bool city = Array.IndexOf(CityCodes, province.Code) >= 0;
        return random.Next(100) < (city ? 95 : 55)
            ? $"{random.Next(1, 400)} {Of(random, Streets)}, {Of(random, Wards)}, {province.Name}"
            : $"Thôn {random.Next(1, 16)}, {Of(random, Communes)}, {province.Name}";
    }

    static Province ProvinceOf(string code) =>
        Province.TryGet(code, out Province province) ? province : throw new InvalidOperationException($"Unknown province {code}.");

    static int AgeOn(DateOnly birth, DateOnly day) =>
        day.Year - birth.Year - (day < birth.AddYears(day.Year - birth.Year) ? 1 : 0);

    static string Of(Random random, string[] values) => values[random.Next(values.Length)];

    static string Pick(Random random, (string Value, int Weight)[] options)
    {
        int roll = random.Next(options.Sum(o => o.Weight));
        foreach ((string value, int weight) in options)
        {
            if (roll < weight)
            {
                return value;
            }

            roll -= weight;
        }

        return options[^1].Value;
    }
}
