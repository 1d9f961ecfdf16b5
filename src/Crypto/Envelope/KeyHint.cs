using MailFilter.Crypto.Age;
using MailFilter.Crypto.Codecs;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// The key-hint stanza (docs/envelope.md §3): <c>-&gt; mailfilter.example/kids kid_1 … kid_n</c> with an
/// empty body, after the X25519 stanzas and in their order. age ignores unknown stanza types; the
/// header MAC and the signed header hash cover it.
/// </summary>
internal static class KeyHint
{
    /// <summary>The stanza type. It must name a domain the project controls before v1 is frozen (see docs/envelope.md §3).</summary>
    public const string StanzaType = "mailfilter.example/kids";

    public static AgeStanza Create(IEnumerable<KeyId> kids) => new(StanzaType, kids.Select(k => k.ToString()).ToArray(), []);

    /// <summary>Decodes the hint's kids (step 3: canonical base64; step 4: the shape).</summary>
    public static KeyId[] Parse(AgeStanza stanza)
    {
        if (stanza.Body.Length != 0 || stanza.Arguments.Length == 0)
        {
            EnvelopeException.Throw(EnvelopeError.StanzaMalformed, "key hint shape");
        }

        var kids = new KeyId[stanza.Arguments.Length];
        for (int i = 0; i < kids.Length; i++)
        {
            var text = System.Text.Encoding.ASCII.GetBytes(stanza.Arguments[i]);
            if (!KeyId.TryParse(text, out kids[i], out var status))
            {
                EnvelopeException.Throw(
                    status == Base64Status.NonCanonical ? EnvelopeError.NonCanonicalBase64 : EnvelopeError.StanzaMalformed,
                    "key hint argument");
            }
        }

        return kids;
    }
}
