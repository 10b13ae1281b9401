using Search.Core.Classification;

namespace Search.Core.Tests.Classification;

public sealed class TopicDecisionTests
{
    [Fact]
    public void ShortDocument_ScoresItsBestPassage()
    {
        Assert.Equal(0.9f, TopicDecision.Aggregate([0.1f, 0.9f, 0.2f]), 3);
        Assert.Equal(0f, TopicDecision.Aggregate([]), 3);
    }

    [Fact]
    public void LongDocument_NeedsOneSupportingPassagePerSixty()
    {
        Assert.Equal(1, TopicDecision.RequiredSupport(60));
        Assert.Equal(2, TopicDecision.RequiredSupport(61));
        Assert.Equal(5, TopicDecision.RequiredSupport(241));

        var once = Enumerable.Repeat(0.01f, 150).ToArray();
        once[7] = 0.99f;
        Assert.Equal(0.01f, TopicDecision.Aggregate(once), 3); // one mention in 150 passages: not about it

        var often = (float[])once.Clone();
        often[20] = 0.95f;
        often[90] = 0.97f;
        Assert.Equal(0.95f, TopicDecision.Aggregate(often), 3); // three of 150 (k = 3)
    }

    [Fact]
    public void ListingRows_DoNotSupportALongDocument()
    {
        var passages = Enumerable.Range(0, 130).Select(i => $"Prose passage number {i} about the meeting and its sessions.").ToList();
        var probabilities = Enumerable.Repeat(0.02f, 130).ToArray();
        passages[3] = "|21|Q15/17|X.widget| |Framework of widget key distribution| |link:https://example.org[TD 46/1]|";
        passages[4] = "link:https://example.org[TD 126/1]: Output - Proposal for new widget work item";
        passages[5] = "SG11-C407 Widget Labs: widget signatures";
        probabilities[3] = probabilities[4] = probabilities[5] = 0.99f;

        Assert.True(TopicDecision.IsListing(passages[3]) && TopicDecision.IsListing(passages[4]) && TopicDecision.IsListing(passages[5]));
        Assert.False(TopicDecision.IsListing(passages[6]));
        Assert.Equal(0.02f, TopicDecision.Aggregate(probabilities, passages), 3);
        Assert.Equal(0.99f, TopicDecision.Aggregate(probabilities), 3);
    }
}
