namespace Search.Core.Semantic;

/// <summary>A sentence-embedding model: texts in, L2-normalised vectors out. The seam where another model can be swapped in.</summary>
public interface IEmbeddingModel
{
    /// <summary>Identifies the model; part of every cached embedding's key.</summary>
    string Name { get; }

    int Dimensions { get; }

    /// <summary>Embeds a batch of texts; safe to call from several threads.</summary>
    float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
