using MailFilter.Crypto.Envelope;

namespace MailFilter.Crypto.Tests.Support;

internal static class Container
{
    /// <summary>The age plaintext an envelope must have: preamble, manifest, length, content, signature (docs/envelope.md §4).</summary>
    public static byte[] Expected(SealedEnvelope sealedEnvelope, byte[] content) =>
        [.. ContainerFormat.WriteLead(sealedEnvelope.Manifest.Serialize(), content.Length), .. content, .. sealedEnvelope.Signature];

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "scripts", name);
}
