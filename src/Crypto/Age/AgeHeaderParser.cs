using System.Buffers;
using System.Diagnostics;
using MailFilter.Crypto.Codecs;
using MailFilter.Crypto.Envelope;

namespace MailFilter.Crypto.Age;

/// <summary>
/// Sans-I/O parser of an age v1 header. It is handed the bytes read so far and consumes complete
/// lines only, each once: "need more" is a false return, a finished header is a true return, and
/// malformed input throws <see cref="EnvelopeException"/> with the reason. Limits are checked before
/// anything is kept.
/// </summary>
/// <remarks>
/// Grammar (age v1 spec, "Header"): a version line; stanzas, each an argument line
/// <c>"-> " type *(SP arg) LF</c> followed by body lines of canonical unpadded base64, full lines of
/// 64 characters and a final line of 0..63; then <c>"--- " b64(mac) LF</c>. Lines end in LF only.
/// </remarks>
internal sealed class AgeHeaderParser(AgeLimits limits)
{
    private readonly List<AgeStanza> _stanzas = [];
    private readonly ArrayBufferWriter<byte> _body = new();
    private int _position;
    private State _state = State.Version;
    private string? _type;
    private string[] _arguments = [];
    private int _stanzaCount;
    private byte[]? _mac;

    private enum State
    {
        Version,
        StanzaOrMac,
        Body,
    }

    /// <summary>
    /// Parses the complete lines in <paramref name="buffer"/> (which always starts at the header's
    /// first byte). Returns true with the header once the MAC line is complete.
    /// </summary>
    public bool TryParse(ReadOnlySpan<byte> buffer, bool endOfInput, out AgeHeader? header)
    {
        header = null;
        while (true)
        {
            int lineFeed = buffer[_position..].IndexOf((byte)'\n');
            if (lineFeed < 0)
            {
                if (buffer.Length > limits.MaxHeaderLength)
                {
                    EnvelopeException.Throw(EnvelopeError.HeaderTooLarge);
                }

                if (endOfInput)
                {
                    EnvelopeException.Throw(EnvelopeError.HeaderTruncated);
                }

                return false;
            }

            int lineEnd = _position + lineFeed;
            if (lineEnd + 1 > limits.MaxHeaderLength)
            {
                EnvelopeException.Throw(EnvelopeError.HeaderTooLarge);
            }

            var line = buffer[_position..lineEnd];
            int lineStart = _position;
            _position = lineEnd + 1;
            if (ParseLine(line, lineStart))
            {
                header = new AgeHeader(_stanzas.ToArray(), _mac!, lineStart + AgeFormat.MacPrefix.Length, buffer[.._position].ToArray());
                return true;
            }
        }
    }

    private bool ParseLine(ReadOnlySpan<byte> line, int lineStart)
    {
        switch (_state)
        {
            case State.Version:
                if (!line.SequenceEqual(AgeFormat.VersionLine))
                {
                    EnvelopeException.Throw(EnvelopeError.HeaderVersionUnsupported);
                }

                _state = State.StanzaOrMac;
                return false;

            case State.StanzaOrMac:
                if (line.StartsWith(AgeFormat.StanzaPrefix))
                {
                    ParseArgumentLine(line[AgeFormat.StanzaPrefix.Length..]);
                    _state = State.Body;
                    return false;
                }

                if (line.StartsWith(AgeFormat.MacPrefix))
                {
                    ParseMacLine(line);
                    return true;
                }

                EnvelopeException.Throw(EnvelopeError.HeaderMalformed, "expected a stanza or the MAC line");
                return false;

            default:
                Debug.Assert(_state == State.Body);
                ParseBodyLine(line);
                return false;
        }
    }

    private void ParseArgumentLine(ReadOnlySpan<byte> rest)
    {
        var parts = new List<string>();
        foreach (var range in rest.Split((byte)' '))
        {
            var part = rest[range];
            if (part.IsEmpty)
            {
                EnvelopeException.Throw(EnvelopeError.HeaderMalformed, "empty stanza argument");
            }

            foreach (byte b in part)
            {
                // Arguments are VCHAR only (age v1: "arbitrary string").
                if (b < 0x21 || b > 0x7E)
                {
                    EnvelopeException.Throw(EnvelopeError.HeaderMalformed, "stanza argument outside VCHAR");
                }
            }

            parts.Add(System.Text.Encoding.ASCII.GetString(part));
        }

        _type = parts[0];
        _arguments = parts.Count > 1 ? parts.GetRange(1, parts.Count - 1).ToArray() : [];

        // Counted as they appear, so a header with too many stanzas fails before the rest is read.
        // One more than the recipient limit leaves room for the key hint; the envelope layer then
        // counts the X25519 stanzas alone (docs/envelope.md §3).
        if (++_stanzaCount > limits.MaxRecipientStanzas + 1)
        {
            EnvelopeException.Throw(EnvelopeError.TooManyStanzas);
        }

        _body.Clear();
    }

    private void ParseBodyLine(ReadOnlySpan<byte> line)
    {
        if (line.Length > AgeFormat.BodyLineLength)
        {
            EnvelopeException.Throw(EnvelopeError.HeaderMalformed, "body line longer than 64 columns");
        }

        Span<byte> decoded = stackalloc byte[48];
        var status = Base64NoPad.TryDecode(line, decoded, out int written);
        CheckBase64(status);
        _body.Write(decoded[..written]);
        if (line.Length < AgeFormat.BodyLineLength)
        {
            _stanzas.Add(new AgeStanza(_type!, _arguments, _body.WrittenSpan.ToArray()));
            _state = State.StanzaOrMac;
        }
    }

    private void ParseMacLine(ReadOnlySpan<byte> line)
    {
        // "--- " then 43 characters of base64 (32 bytes).
        if (line.Length != 4 + 43 || line[3] != (byte)' ')
        {
            EnvelopeException.Throw(EnvelopeError.HeaderMalformed, "malformed MAC line");
        }

        var mac = new byte[AgeFormat.MacSize];
        CheckBase64(Base64NoPad.TryDecode(line[4..], mac, out _));
        _mac = mac;
    }

    internal static void CheckBase64(Base64Status status)
    {
        switch (status)
        {
            case Base64Status.Ok:
                return;
            case Base64Status.NonCanonical:
                EnvelopeException.Throw(EnvelopeError.NonCanonicalBase64);
                break;
            default:
                EnvelopeException.Throw(EnvelopeError.HeaderMalformed, "invalid base64");
                break;
        }
    }
}
