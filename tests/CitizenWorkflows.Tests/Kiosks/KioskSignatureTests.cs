using System.Text;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;

namespace CitizenWorkflows.Tests.Kiosks;

/// <summary>The signature scheme on its own, starting with the worked example of the client's README.</summary>
public class KioskSignatureTests
{
    // The worked example in clients/CitizenWorkflows.KioskClient/README.md.
    const string Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const string Method = "POST";
    const string Path = "/api/v1/applications";
    const long Timestamp = 1751358600;
    const string Nonce = "5f2b8c1e9a7d4e3fb6c0a1d2e3f40516";
    const string BodyText = """{"type":"new","applicant":{"fullName":"Trần Thị Hạnh"}}""";
    const string BodyDigest = "1c4ef683d865c25a73ca881f8b1b75cd8f76c77d78bbc3cc4a58f69bd80e32cf";
    const string Canonical = "POST\n/api/v1/applications\n1751358600\n5f2b8c1e9a7d4e3fb6c0a1d2e3f40516\n" + BodyDigest;
    const string Signature = "SXbn1pEjyAINN3YD664mTu4E41fxe9xF8bym6AiBCkU=";

    static byte[] Body => Encoding.UTF8.GetBytes(BodyText);

    static byte[] Key => KioskSignature.DecodeSecret(Secret);

    [Fact]
    public void The_worked_example_gives_the_documented_canonical_string_and_signature()
    {
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), Key);
        Assert.Equal(Timestamp, new DateTimeOffset(2025, 7, 1, 8, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds());
        Assert.Equal(61, Body.Length);
        Assert.Equal(BodyDigest, KioskSignature.BodyDigest(Body));
        Assert.Equal(Canonical, KioskSignature.CanonicalString(Method, Path, Timestamp, Nonce, Body));
        Assert.Equal(Signature, KioskSignature.Compute(Key, Method, Path, Timestamp, Nonce, Body));
        Assert.Equal(Signature, KioskSignature.Compute(Secret, Method, Path, Timestamp, Nonce, Body));
        Assert.True(KioskSignature.Verify(Key, Method, Path, Timestamp, Nonce, Body, Signature));
    }

    [Fact]
    public void The_readme_shows_the_values_the_code_computes()
    {
        string readme = File.ReadAllText(System.IO.Path.Combine(RepoPaths.Root, "clients", "CitizenWorkflows.KioskClient", "README.md"));
        foreach (string value in new[] { Secret, Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), Nonce, BodyText, BodyDigest, Signature })
        {
            Assert.Contains(value, readme, StringComparison.Ordinal);
        }

        Assert.Contains("```\n" + Canonical + "\n```", readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, long, string, string> Tampered => new()
    {
        { "body", Method, Path, Timestamp, Nonce, BodyText.Replace("Hạnh", "Hanh", StringComparison.Ordinal) },
        { "body, one byte more", Method, Path, Timestamp, Nonce, BodyText + " " },
        { "no body", Method, Path, Timestamp, Nonce, "" },
        { "path", Method, "/api/v1/applications/x", Timestamp, Nonce, BodyText },
        { "query", Method, Path + "?draft=1", Timestamp, Nonce, BodyText },
        { "method", "PUT", Path, Timestamp, Nonce, BodyText },
        { "timestamp", Method, Path, Timestamp + 1, Nonce, BodyText },
        { "nonce", Method, Path, Timestamp, "5f2b8c1e9a7d4e3fb6c0a1d2e3f40517", BodyText },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void A_request_changed_after_signing_does_not_verify(string what, string method, string path, long timestamp, string nonce, string body)
    {
        Assert.False(
            KioskSignature.Verify(Key, method, path, timestamp, nonce, Encoding.UTF8.GetBytes(body), Signature),
            $"a changed {what} still verified");
    }

    [Fact]
    public void Another_secret_or_a_mangled_signature_does_not_verify()
    {
        byte[] otherKey = KioskSignature.DecodeSecret(KioskSignature.NewSecret());
        Assert.False(KioskSignature.Verify(otherKey, Method, Path, Timestamp, Nonce, Body, Signature));
        Assert.False(KioskSignature.Verify(Key, Method, Path, Timestamp, Nonce, Body, null));
        Assert.False(KioskSignature.Verify(Key, Method, Path, Timestamp, Nonce, Body, ""));
        Assert.False(KioskSignature.Verify(Key, Method, Path, Timestamp, Nonce, Body, "not base64!"));
        Assert.False(KioskSignature.Verify(Key, Method, Path, Timestamp, Nonce, Body, Signature[..^4]));
        Assert.False(KioskSignature.Verify(Key, Method, Path, Timestamp, Nonce, Body, Convert.ToBase64String(new byte[32])));
    }

    [Fact]
    public void An_empty_body_is_the_digest_of_zero_bytes()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", KioskSignature.BodyDigest([]));
        Assert.EndsWith("\n" + KioskSignature.BodyDigest([]), KioskSignature.CanonicalString("GET", "/x", 1, Nonce, []), StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_shorter_than_32_bytes_or_not_base64_are_refused_without_echoing_them()
    {
        string shortSecret = Convert.ToBase64String(new byte[31]);
        ArgumentException tooShort = Assert.Throws<ArgumentException>(() => KioskSignature.Compute(shortSecret, Method, Path, Timestamp, Nonce, Body));
        Assert.DoesNotContain(shortSecret, tooShort.Message, StringComparison.Ordinal);
        ArgumentException notBase64 = Assert.Throws<ArgumentException>(() => KioskSignature.DecodeSecret("secret-in-clear!"));
        Assert.DoesNotContain("secret-in-clear!", notBase64.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_nonces_and_secrets_are_well_formed_and_fresh()
    {
        string[] nonces = [.. Enumerable.Range(0, 100).Select(_ => KioskSignature.NewNonce())];
        Assert.All(nonces, n => Assert.True(KioskSignature.IsWellFormedNonce(n)));
        Assert.Equal(nonces.Length, nonces.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(32, KioskSignature.DecodeSecret(KioskSignature.NewSecret()).Length);
        Assert.NotEqual(KioskSignature.NewSecret(), KioskSignature.NewSecret());
    }

    [Theory]
    [InlineData("hcm-q1-007", true)]
    [InlineData("A.b_c-9", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("slash/in", false)]
    [InlineData("hash#", false)]
    public void Kiosk_ids_are_safe_as_header_values_and_table_keys(string id, bool wellFormed) =>
        Assert.Equal(wellFormed, KioskSignature.IsWellFormedKioskId(id));
}
