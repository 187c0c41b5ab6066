using CitizenWorkflows.Workflow.Biometrics.Fingerprints;
using CitizenWorkflows.TestData;

namespace CitizenWorkflows.Tests.Biometrics.Fingerprints;

public class MatchingTests
{
    static readonly MinutiaeMatcher Matcher = new();

    static string? Top(IReadOnlyList<GalleryHit> hits) => hits.Count > 0 ? hits[0].IdentityId : null;

    [Fact]
    public void The_generator_is_deterministic_and_realistic()
    {
        Assert.Equal(MinutiaeRecord.Write(SyntheticFingerprints.Master(42, seed: 9)), MinutiaeRecord.Write(SyntheticFingerprints.Master(42, seed: 9)));
        Assert.NotEqual(MinutiaeRecord.Write(SyntheticFingerprints.Master(42, seed: 9)), MinutiaeRecord.Write(SyntheticFingerprints.Master(43, seed: 9)));
        MinutiaeRecord master = SyntheticFingerprints.Master(42, seed: 9);
        Assert.Equal(
            MinutiaeRecord.Write(SyntheticFingerprints.Impression(master, new Random(5))),
            MinutiaeRecord.Write(SyntheticFingerprints.Impression(master, new Random(5))));

        for (int identity = 0; identity < 50; identity++)
        {
            IReadOnlyList<Minutia> m = SyntheticFingerprints.Master(identity, seed: 1).Views[0].Minutiae;
            Assert.InRange(m.Count, 35, 70);
            Assert.All(m, p => Assert.True(p.X is >= 0 and < SyntheticFingerprints.Width && p.Y is >= 0 and < SyntheticFingerprints.Height));
            double nearest = m.Min(a => m.Where(b => b != a).Min(b => Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2))));
            Assert.True(nearest >= 10, $"identity {identity}: two minutiae {nearest:F1} px apart");

            IReadOnlyList<Minutia> impression = SyntheticFingerprints.Impression(SyntheticFingerprints.Master(identity, seed: 1), new Random(identity)).Views[0].Minutiae;
            Assert.InRange(impression.Count, m.Count * 0.45, m.Count * 1.2);
        }
    }

    [Fact]
    public void Neighbouring_minutiae_have_correlated_ridge_directions()
    {
        // Ridge orientation (angle mod 180°) of close neighbours agrees far more often than chance (1/4 within 22.5°).
        int close = 0, agreeing = 0;
        for (int identity = 0; identity < 20; identity++)
        {
            IReadOnlyList<Minutia> m = SyntheticFingerprints.Master(identity, seed: 2).Views[0].Minutiae;
            foreach (Minutia a in m)
            {
                foreach (Minutia b in m.Where(b => b != a && Math.Abs(b.X - a.X) + Math.Abs(b.Y - a.Y) < 50))
                {
                    close++;
                    double difference = Math.Abs(((a.AngleDegrees - b.AngleDegrees) % 180 + 180) % 180);
                    if (Math.Min(difference, 180 - difference) < 22.5)
                    {
                        agreeing++;
                    }
                }
            }
        }

        Assert.True(agreeing > close * 0.6, $"{agreeing}/{close} neighbours agree");
    }

    [Fact]
    public void Genuine_impressions_score_clearly_above_impostors()
    {
        const int identities = 50;
        MatchTemplate[] enrolled = new MatchTemplate[identities], probes = new MatchTemplate[identities];
        for (int i = 0; i < identities; i++)
        {
            MinutiaeRecord master = SyntheticFingerprints.Master(i, seed: 11);
            enrolled[i] = Matcher.Prepare(SyntheticFingerprints.Impression(master, new Random(1000 + i)));
            probes[i] = Matcher.Prepare(SyntheticFingerprints.Impression(master, new Random(2000 + i)));
        }

        double[] genuine = [.. Enumerable.Range(0, identities).Select(i => Matcher.Compare(probes[i], enrolled[i]))];
        double[] impostor = [.. from i in Enumerable.Range(0, identities) from j in Enumerable.Range(0, identities) where i != j select Matcher.Compare(probes[i], enrolled[j])];

        Assert.All(impostor, s => Assert.True(s >= 0));
        Assert.True(genuine.Average() > 3 * impostor.Average(), $"mean genuine {genuine.Average():F1}, mean impostor {impostor.Average():F1}");
        double impostor90 = impostor.Order().ElementAt((int)(impostor.Length * 0.9));
        double maxImpostor = impostor.Max();
        Assert.True(genuine.Count(s => s > impostor90) >= identities * 0.95, $"impostor 90th percentile {impostor90}");
        Assert.True(genuine.Count(s => s > maxImpostor) >= identities * 0.9, $"max impostor {maxImpostor}, genuine {string.Join(',', genuine)}");
    }

    [Fact]
    public void A_template_matches_itself_best_and_comparison_is_symmetric_enough()
    {
        MatchTemplate a = Matcher.Prepare(SyntheticFingerprints.Master(1, seed: 4));
        MatchTemplate b = Matcher.Prepare(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(1, seed: 4), new Random(3)));
        MatchTemplate other = Matcher.Prepare(SyntheticFingerprints.Master(2, seed: 4));
        Assert.True(Matcher.Compare(a, a) > Matcher.Compare(a, b));
        Assert.True(Matcher.Compare(a, b) > 3 * Matcher.Compare(a, other));
        Assert.True(Matcher.Compare(b, a) > 3 * Matcher.Compare(other, a));
    }

    [Fact]
    public void Gallery_search_finds_the_identity_at_rank_one_and_preselection_limits_full_comparisons()
    {
        const int size = 500, probes = 40;
        using var gallery = new FingerprintGallery(Matcher, new GalleryOptions { CandidateCount = 50 });
        for (int i = 0; i < size; i++)
        {
            MinutiaeRecord master = SyntheticFingerprints.Master(i, seed: 21, fingerPosition: 1);
            gallery.Enrol($"id-{i}", [Matcher.Prepare(SyntheticFingerprints.Impression(master, new Random(i)))]);
        }

        Assert.Equal(size, gallery.Count);
        int rankOne = 0;
        var pick = new Random(5);
        for (int p = 0; p < probes; p++)
        {
            int identity = pick.Next(size);
            MatchTemplate probe = Matcher.Prepare(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(identity, seed: 21, fingerPosition: 1), new Random(10_000 + identity)));
            IReadOnlyList<GalleryHit> hits = gallery.Search([probe], threshold: 1);
            Assert.True(hits.Zip(hits.Skip(1)).All(h => h.First.Score >= h.Second.Score));
            if (hits.Count > 0 && hits[0].IdentityId == $"id-{identity}")
            {
                rankOne++;
            }
        }

        Assert.True(rankOne >= probes * 0.9, $"rank-1 for {rankOne}/{probes}");
        Assert.Equal(probes * 50, gallery.FullComparisons);
        Assert.True(gallery.FullComparisons < probes * size / 5);
    }

    [Fact]
    public void The_candidate_count_grows_with_the_square_root_of_the_gallery()
    {
        // K = max(CandidateCount, CandidateGrowth × √N): here max(10, 1.5 × √400) = 30 full comparisons per probe.
        using var gallery = new FingerprintGallery(Matcher, new GalleryOptions { CandidateCount = 10, CandidateGrowth = 1.5 });
        for (int i = 0; i < 400; i++)
        {
            gallery.Enrol($"id-{i}", [Matcher.Prepare(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(i, seed: 13), new Random(i)))]);
        }

        MatchTemplate probe = Matcher.Prepare(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(123, seed: 13), new Random(77)));
        Assert.Equal("id-123", Top(gallery.Search([probe], 1)));
        Assert.Equal(30, gallery.FullComparisons);
    }

    [Fact]
    public void Without_preselection_every_identity_is_compared_and_a_high_threshold_filters_hits()
    {
        using var gallery = new FingerprintGallery(Matcher, new GalleryOptions { Preselection = false });
        for (int i = 0; i < 30; i++)
        {
            gallery.Enrol($"id-{i}", [Matcher.Prepare(SyntheticFingerprints.Master(i, seed: 8, fingerPosition: 2))]);
        }

        MatchTemplate probe = Matcher.Prepare(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(7, seed: 8, fingerPosition: 2), new Random(1)));
        IReadOnlyList<GalleryHit> hits = gallery.Search([probe], threshold: 20);
        Assert.Equal(30, gallery.FullComparisons);
        Assert.Equal("id-7", Assert.Single(hits).IdentityId);

        // Another finger position is not compared at all.
        MatchTemplate thumb = Matcher.Prepare(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(7, seed: 8, fingerPosition: 1), new Random(1)));
        Assert.Empty(gallery.Search([thumb], threshold: 0));
        Assert.Equal(30, gallery.FullComparisons);
    }

    [Fact]
    public async Task Concurrent_searches_agree_with_a_single_search()
    {
        using var gallery = new FingerprintGallery(Matcher);
        for (int i = 0; i < 200; i++)
        {
            gallery.Enrol($"id-{i}", [Matcher.Prepare(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(i, seed: 3), new Random(i)))]);
        }

        MatchTemplate[] probes = [.. Enumerable.Range(0, 16).Select(i => Matcher.Prepare(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(i * 7, seed: 3), new Random(99))))];
        string?[] sequential = [.. probes.Select(p => Top(gallery.Search([p], 1)))];
        string?[] parallel = await Task.WhenAll(probes.Select(p => Task.Run(() => Top(gallery.Search([p], 1)))));
        Assert.Equal(sequential, parallel);
    }
}
