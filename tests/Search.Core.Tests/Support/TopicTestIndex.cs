namespace Search.Core.Tests.Support;

/// <summary>
/// A <see cref="TestIndex"/> with topics on, trained on the small fixture (<see cref="TopicFixtures"/>),
/// holding two documents: one on quantum, one with a paragraph on spam.
/// </summary>
internal sealed class TopicTestIndex : IDisposable
{
    private readonly TempFolder _fixtures = new();

    /// <param name="semantic">Whether passages are embedded, which also lets topics be refined with embeddings.</param>
    /// <param name="model">The embedding model (the shared real one when null).</param>
    public TopicTestIndex(bool semantic = false, Search.Core.Semantic.IEmbeddingModel? model = null)
    {
        var (taxonomy, training) = TopicFixtures.WriteSmall(_fixtures.Path);
        Index = new TestIndex(o =>
        {
            o.TopicsEnabled = true;
            o.SemanticEnabled = semantic;
            o.TopicsPath = taxonomy;
            o.TrainingPath = training;
        }, model);
        Index.Add("SG17-C0001.txt", TestIndex.Txt("SG17-C0001", "2022-2024", "15/17", "10-19 May 2023", "Quantum key distribution networks",
            "Quantum key distribution creates keys from single photons. The QKD network relays keys through trusted nodes. Post-quantum signatures protect the key management messages."));
        Index.Add("SG2-C0002.txt", TestIndex.Txt("SG2-C0002", "2022-2024", "2/2", "10-19 May 2023", "Numbering plan update",
            "The numbering plan assigns country codes.\n\nRobocalls with spoofed caller numbers annoy subscribers every evening, and operators filter spam text messages sent from SIM farms."));
    }

    public TestIndex Index { get; }

    public void Dispose()
    {
        Index.Dispose();
        _fixtures.Dispose();
    }
}
