namespace Search.Host.Tests.Support;

/// <summary>A small corpus of ITU-style text documents for the host tests.</summary>
internal static class Fixtures
{
    public static void WriteCorpus(string folder)
    {
        Write(folder, "SG11-C0001.txt", "SG11-C0001", "2022-2024", "15/11", "10-19 May 2023", "Counterfeit devices and IMEI checks",
            "Counterfeit devices harm consumers; operators check IMEI values against a blocklist of counterfeit devices.\n\nHandsets reported stolen are blocked in the equipment identity register of every operator.");
        Write(folder, "SG17-C0002.txt", "SG17-C0002", "2022-2024", "15/17", "29 August - 8 September 2023", "Quantum key distribution security",
            "Quantum key distribution networks need key management for the keys relayed between trusted nodes; counterfeit QKD modules are a supply chain risk.\n\nPost-quantum algorithms protect the control messages of the QKD network.");
        Write(folder, "SG20-TD0004.txt", "SG20-TD0004", "2025-2028", "6/20", "3-12 March 2025", "IoT device security",
            "Security of IoT devices and gateways in smart cities: default passwords must be removed and firmware updates signed.\n\nThe city platform protects the personal data collected by its sensors.");
        File.WriteAllBytes(Path.Combine(folder, "broken.docx"), [0x50, 0x4B, 0x03, 0x04, 0x00, 0x01]);
    }

    private static void Write(string folder, string file, string number, string period, string questions, string date, string title, string body) =>
        File.WriteAllText(Path.Combine(folder, file), $"""
            INTERNATIONAL TELECOMMUNICATION UNION
            STUDY PERIOD {period}

            {number}

            Question(s): {questions}
            Place and date: Geneva, {date}

            CONTRIBUTION

            Source: Example Administration
            Title: {title}
            Purpose: Proposal
            Abstract: {title}.

            1 Introduction

            {body}
            """);
}
