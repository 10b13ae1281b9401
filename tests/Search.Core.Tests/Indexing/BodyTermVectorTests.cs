using System.Text;
using Lucene.Net.Index;
using Search.Core.Indexing;
using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Indexing;

/// <summary>
/// The bundled corpus indexed twice: once with a stored term vector for every body, once with none (each
/// body analysed again when a hit needs it). The analysed vector must be the stored one, term for term,
/// position for position, offset for offset; and snippets and overlap evidence must not tell them apart.
/// </summary>
public sealed class BodyTermVectorTests(BodyTermVectorTests.Indexes indexes) : IClassFixture<BodyTermVectorTests.Indexes>
{
    [Fact]
    public void AnalysedAgain_EveryBodysVector_IsTheStoredOne()
    {
        using var withLease = indexes.WithVectors.Store.Lease();
        using var withoutLease = indexes.WithoutVectors.Store.Lease();
        var with = ById(withLease.Searcher.IndexReader);
        var without = ById(withoutLease.Searcher.IndexReader);
        Assert.Equal(211, with.Count);
        Assert.Equal(with.Keys.Order(), without.Keys.Order());
        var withBoilerplate = 0;
        foreach (var (id, (doc, stored)) in with)
        {
            var (otherDoc, otherStored) = without[id];
            var reader = withoutLease.Searcher.IndexReader;
            var none = reader.GetTermVectors(otherDoc);
            Assert.True(none is null, $"{id}: {none?.GetType()} {string.Join(",", none ?? Enumerable.Empty<string>())}"); // nothing stored: the analysed path is the one compared
            var expected = Dump(withLease.Searcher.IndexReader.GetTermVectors(doc)?.GetTerms(IndexFields.Body));
            var body = otherStored.Get(IndexFields.Body);
            var boilerplate = otherStored.Get(IndexFields.Boilerplate);
            withBoilerplate += boilerplate is null ? 0 : 1;
            var actual = Dump(BodyTermVector.Of(reader, otherDoc, body, boilerplate)!.GetTerms(IndexFields.Body));
            Assert.True(expected == actual, $"{id}: the analysed vector differs from the stored one");

            // Asked for some of its terms (every third: words, stems, identifiers), the same lines of the vector.
            var lines = expected.Split('\n');
            var some = lines.Where((_, i) => i % 3 == 0).ToList();
            var wanted = some.Select(l => l[..l.IndexOf(" @", StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(string.Join('\n', some), Dump(BodyTermVector.Of(reader, otherDoc, body, boilerplate, wanted)!.GetTerms(IndexFields.Body)));
            Assert.True(expected.Contains(" @", StringComparison.Ordinal), $"{id}: no term in its body");
        }

        // Boilerplate lines are blanked before analysis, as they are before indexing.
        Assert.True(withBoilerplate > 0, "no corpus document has boilerplate: that path is not compared");
    }

    [Fact]
    public void AnalysedAgain_KeepsOnlyTheTermsAsked_WithTheirOccurrences()
    {
        var text = "Counterfeit devices are a problem. Stolen devices, and counterfeit ones, see X.1205 and Q15/11.";
        var all = Dump(BodyTermVector.Analyse(text, null).GetTerms(IndexFields.Body));
        var only = Dump(BodyTermVector.Analyse(text, null, new HashSet<string> { "devic", "x.1205" }).GetTerms(IndexFields.Body));
        Assert.Equal(string.Join('\n', all.Split('\n').Where(l => l.StartsWith("devic ", StringComparison.Ordinal) || l.StartsWith("x.1205 ", StringComparison.Ordinal))), only);
        Assert.Equal("devic @1[12-19] @6[42-49]\nx.1205 @11[77-83]", only);
    }

    [Theory]
    [InlineData("counterfeit devices")]
    [InlineData("\"counterfeit devices\"")]
    [InlineData("quantum key distribution")]
    [InlineData("IoT security smart cities")]
    [InlineData("X.1205")]
    [InlineData("Q15/11")]
    [InlineData("secur*")]
    [InlineData("title:quantum AND body:network")]
    public void Snippets_AreTheSame_WithOrWithoutStoredVectors(string query)
    {
        var request = new SearchRequest { Query = query, PageSize = 50, Mode = SearchMode.Bm25 };
        var with = indexes.WithVectors.Search.Search(request).Hits.Select(h => (h.Id, h.Snippet)).ToList();
        var without = indexes.WithoutVectors.Search.Search(request).Hits.Select(h => (h.Id, h.Snippet)).ToList();
        Assert.NotEmpty(with);
        Assert.Contains(with, h => h.Snippet.Contains("<mark>", StringComparison.Ordinal));
        Assert.Equal(with, without);
    }

    private static Dictionary<string, (int Doc, Lucene.Net.Documents.Document Stored)> ById(IndexReader reader) =>
        LiveDocuments.Read(reader).ToDictionary(d => d.Stored.Get(IndexFields.Id)!, d => (d.Doc, d.Stored));

    /// <summary>One line a term: the term, then each occurrence as @position[start-end].</summary>
    private static string Dump(Terms? terms)
    {
        if (terms is null)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        var e = terms.GetEnumerator();
        while (e.MoveNext())
        {
            text.Append(e.Term.Utf8ToString());
            var positions = e.DocsAndPositions(null, null, DocsAndPositionsFlags.OFFSETS);
            Assert.Equal(0, positions.NextDoc());
            for (var i = 0; i < positions.Freq; i++)
            {
                var position = positions.NextPosition();
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $" @{position}[{positions.StartOffset}-{positions.EndOffset}]");
            }

            Assert.Equal(Lucene.Net.Search.DocIdSetIterator.NO_MORE_DOCS, positions.NextDoc());
            text.Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>The two indexes of the bundled corpus, built once for the class.</summary>
    public sealed class Indexes : IDisposable
    {
        public Indexes()
        {
            WithVectors = Build(0);
            WithoutVectors = Build(int.MaxValue);
        }

        internal TestIndex WithVectors { get; }

        internal TestIndex WithoutVectors { get; }

        public void Dispose()
        {
            WithVectors.Dispose();
            WithoutVectors.Dispose();
        }

        private static TestIndex Build(int termVectorMinChars)
        {
            var index = new TestIndex(o => o.TermVectorMinChars = termVectorMinChars);
            foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Corpus, "documents")))
            {
                File.Copy(file, Path.Combine(index.Documents, Path.GetFileName(file)));
            }

            // A published Recommendation's furniture (series table, foreword, copyright): boilerplate lines,
            // blanked in the indexed body, kept in the stored one (paragraphs of a .txt are separated by blank lines).
            index.Add("T-REC-Y.4999-202401-I.txt", """
                International Telecommunication Union

                ITU-T Y.4999

                SERIES Y: GLOBAL INFORMATION INFRASTRUCTURE, INTERNET OF THINGS AND SMART CITIES

                Recommendation ITU-T Y.4999

                ITU-T Y-SERIES RECOMMENDATIONS

                COMBATING COUNTERFEITING AND STOLEN ICT DEVICES Q.5050–Q.5069

                For further details, please refer to the list of ITU-T Recommendations.

                FOREWORD

                The International Telecommunication Union (ITU) is the United Nations specialized agency in the field of telecommunications.

                All rights reserved. No part of this publication may be reproduced, by any means whatsoever, without the prior written permission of ITU.

                Summary

                This Recommendation describes how smart city sensors authenticate to the network, and why counterfeit devices are refused by it.

                Security of IoT devices in smart cities relies on keys distributed at manufacture; quantum key distribution is left to X.1710.

                1 Scope

                This Recommendation applies to sensors and gateways of a smart city network.

                2 References

                The following ITU-T Recommendations are referenced: X.1205, Y.4000.

                3 Definitions

                Counterfeit device: a device that copies a genuine one without the right to.

                4 Abbreviations

                IoT Internet of Things

                5 Conventions

                None.

                6 Authentication of sensors

                Each sensor holds a key installed at manufacture and proves it to the gateway at each start.

                7 Refusal of counterfeit devices

                A gateway refuses a device whose identity is not in the register kept by the operator.
                """);
            index.IngestOnly();
            return index;
        }
    }
}
