namespace Search.Core.Tests.Support;

/// <summary>Two documents for the small topic fixture (<see cref="TopicFixtures"/>): one on quantum, one with a paragraph on spam.</summary>
internal static class TopicDocuments
{
    public static void AddQuantumAndSpam(TestIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        index.Add("SG17-C0001.txt", TestIndex.Txt("SG17-C0001", "2022-2024", "15/17", "10-19 May 2023", "Quantum key distribution networks",
            "Quantum key distribution creates keys from single photons. The QKD network relays keys through trusted nodes. Post-quantum signatures protect the key management messages."));
        index.Add("SG2-C0002.txt", TestIndex.Txt("SG2-C0002", "2022-2024", "2/2", "10-19 May 2023", "Numbering plan update",
            "The numbering plan assigns country codes.\n\nRobocalls with spoofed caller numbers annoy subscribers every evening, and operators filter spam text messages sent from SIM farms."));
    }
}
