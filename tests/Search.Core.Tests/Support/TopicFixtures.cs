using Search.Core.Classification;

namespace Search.Core.Tests.Support;

/// <summary>A small taxonomy and training set, written to a folder, for fast and deterministic topic tests.</summary>
internal static class TopicFixtures
{
    /// <summary>Passages the small fixture never saw: on quantum, on spam, and on neither.</summary>
    public static readonly string[] Probes =
    [
        "Keys for the encryptors come from the QKD link between the two data centres.",
        "Fraudsters spoof caller numbers to make robocalls look local.",
        "The codec reduces the bit rate of ultra high definition video.",
    ];

    public static (string Taxonomy, string Training) WriteSmall(string folder)
    {
        var taxonomy = Path.Combine(folder, "topics.tsv");
        File.WriteAllText(taxonomy, "id\tlabel\tdescription\nquantum\tQuantum\tQKD and post-quantum cryptography\nspam\tSpam\tUnsolicited messages and robocalls\n");
        var training = Path.Combine(folder, "training");
        Directory.CreateDirectory(training);
        var lines = new List<string> { "id\ttopics\ttext" };
        string[] quantum =
        [
            "Quantum key distribution creates shared keys from single photons sent over fibre.",
            "The QKD network relays keys through trusted nodes between distant sites.",
            "Post-quantum cryptography replaces RSA signatures before large quantum computers arrive.",
            "A quantum random number generator draws entropy from photon arrival times.",
            "Key management in QKD networks supplies keys to encryptors at each end.",
            "Operators plan the migration of PKI certificates to quantum-safe algorithms.",
            "Trusted nodes in a quantum key distribution network must be physically protected.",
            "Lattice-based signatures are candidates for quantum-resistant firmware signing.",
            "The QKD link measures the quantum bit error rate to detect eavesdropping.",
            "Hybrid key exchange combines classical and post-quantum key encapsulation.",
        ];
        string[] spam =
        [
            "Robocalls with spoofed caller numbers annoy subscribers every evening.",
            "Unsolicited bulk e-mail carries phishing links and fake invoices.",
            "Operators filter spam text messages sent from SIM farms.",
            "Caller line identification spoofing lets fraudsters pretend to be banks.",
            "Users report unwanted marketing calls to the do-not-call register.",
            "Spam filters score incoming messages by sender reputation.",
            "Automated dialling campaigns send thousands of unsolicited calls per hour.",
            "Phishing messages imitate parcel delivery notices to steal passwords.",
            "The regulator fines companies that send unsolicited commercial messages.",
            "Call blocking apps warn users about likely scam numbers.",
        ];
        string[] none =
        [
            "The meeting approved the agenda and the report of the previous meeting.",
            "Video coding efficiency improved by thirty percent over the previous codec.",
            "The optical transport network carries client signals in ODU containers.",
            "Smart meters report energy consumption every fifteen minutes.",
            "The numbering plan assigns country codes of one to three digits.",
            "Passive optical networks split one fibre among many homes.",
            "The study group elected new vice-chairs for the study period.",
            "Time synchronisation in mobile networks needs accurate clocks.",
            "The workshop discussed accessibility of multimedia services.",
            "Electromagnetic field exposure limits protect the general public.",
        ];
        var n = 0;
        lines.AddRange(quantum.Select(t => $"t{++n:000}\tquantum\t{t}"));
        lines.AddRange(spam.Select(t => $"t{++n:000}\tspam\t{t}"));
        lines.AddRange(none.Select(t => $"t{++n:000}\t\t{t}"));
        File.WriteAllLines(Path.Combine(training, "passages.tsv"), lines);
        return (taxonomy, training);
    }

    public static (TopicTaxonomy Taxonomy, IReadOnlyList<LabelledPassage> Passages) LoadSmall(string folder)
    {
        var (taxonomyPath, trainingPath) = WriteSmall(folder);
        var taxonomy = TopicTaxonomy.Load(taxonomyPath);
        return (taxonomy, TrainingData.Load(trainingPath, taxonomy));
    }
}
