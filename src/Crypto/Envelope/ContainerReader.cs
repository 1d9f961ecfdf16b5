using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// Sans-I/O reader of the decrypted MFSM container (receive steps 6–9). It is fed each authenticated
/// payload chunk and says which part of it is content (for the spool); it hashes the content as it
/// goes. The first container error is recorded, not thrown: the payload is still decrypted to its
/// end, so payload integrity (step 6) is always judged before the container's own checks, and
/// <see cref="Complete"/> reports the error afterwards.
/// </summary>
internal sealed class ContainerReader : IDisposable
{
    private readonly long _maxContentLength;
    private readonly IncrementalHash _contentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _fixed = new byte[ContainerFormat.SignatureSize];
    private byte[] _manifest = [];
    private int _filled;
    private long _contentRemaining;
    private State _state = State.Preamble;

    public ContainerReader(long maxContentLength)
    {
        _maxContentLength = maxContentLength;
    }

    private enum State
    {
        Preamble,
        ManifestLength,
        Manifest,
        ContentLength,
        Content,
        Signature,
        End,
        Failed,
    }

    public EnvelopeError? Error { get; private set; }

    public byte[] Preamble { get; } = new byte[ContainerFormat.PreambleSize];

    public byte[] ManifestBytes => _manifest;

    public EnvelopeManifest? Manifest { get; private set; }

    public long ContentLength { get; private set; }

    public byte[] ContentHash { get; private set; } = [];

    public byte[] Signature { get; } = new byte[ContainerFormat.SignatureSize];

    /// <summary>Consumes one chunk of plaintext; returns the range of it that is content.</summary>
    public Range Feed(ReadOnlySpan<byte> data)
    {
        Range content = default;
        int offset = 0;
        while (offset < data.Length)
        {
            switch (_state)
            {
                case State.Preamble:
                    if (Fill(data, ref offset, Preamble))
                    {
                        CheckPreamble();
                    }

                    break;

                case State.ManifestLength:
                    if (Fill(data, ref offset, _fixed.AsSpan(0, ContainerFormat.ManifestLengthSize)))
                    {
                        _manifest = new byte[BinaryPrimitives.ReadUInt16BigEndian(_fixed)];
                        _state = State.Manifest;
                        if (_manifest.Length == 0)
                        {
                            Fail(EnvelopeError.ManifestMalformed);
                        }
                    }

                    break;

                case State.Manifest:
                    if (Fill(data, ref offset, _manifest))
                    {
                        ParseManifest();
                    }

                    break;

                case State.ContentLength:
                    if (Fill(data, ref offset, _fixed.AsSpan(0, ContainerFormat.ContentLengthSize)))
                    {
                        StartContent(BinaryPrimitives.ReadUInt64BigEndian(_fixed));
                    }

                    break;

                case State.Content:
                    int n = (int)Math.Min(_contentRemaining, data.Length - offset);
                    _contentHash.AppendData(data.Slice(offset, n));
                    content = new Range(offset, offset + n);
                    offset += n;
                    _contentRemaining -= n;
                    if (_contentRemaining == 0)
                    {
                        EndContent();
                    }

                    break;

                case State.Signature:
                    if (Fill(data, ref offset, Signature))
                    {
                        _state = State.End;
                    }

                    break;

                case State.End:
                    Fail(EnvelopeError.BytesAfterSignature);
                    break;

                default:
                    Debug.Assert(_state == State.Failed);
                    return content;
            }
        }

        return content;
    }

    /// <summary>At the end of the payload: throws the recorded error, or the truncation of the field the plaintext ended in.</summary>
    public void Complete()
    {
        if (Error is { } error)
        {
            EnvelopeException.Throw(error);
        }

        switch (_state)
        {
            case State.End:
                return;
            case State.Preamble:
                EnvelopeException.Throw(EnvelopeError.PreambleTruncated);
                break;
            case State.ManifestLength or State.Manifest:
                EnvelopeException.Throw(EnvelopeError.ManifestTruncated);
                break;
            case State.ContentLength or State.Content:
                EnvelopeException.Throw(EnvelopeError.ContentTruncated);
                break;
            default:
                EnvelopeException.Throw(EnvelopeError.SignatureTruncated);
                break;
        }
    }

    public void Dispose() => _contentHash.Dispose();

    private bool Fill(ReadOnlySpan<byte> data, ref int offset, Span<byte> field)
    {
        int n = Math.Min(field.Length - _filled, data.Length - offset);
        data.Slice(offset, n).CopyTo(field[_filled..]);
        offset += n;
        _filled += n;
        if (_filled < field.Length)
        {
            return false;
        }

        _filled = 0;
        return true;
    }

    private void CheckPreamble()
    {
        // Exact match only (§7: no negotiation; an unknown value is a reject).
        var p = Preamble;
        if (!p.AsSpan(0, 4).SequenceEqual(ContainerFormat.Magic))
        {
            Fail(EnvelopeError.BadMagic);
        }
        else if (p[4] != ContainerFormat.Version)
        {
            Fail(EnvelopeError.UnsupportedContainerVersion);
        }
        else if (p[5] != ContainerFormat.SignatureAlgorithmEd25519)
        {
            Fail(EnvelopeError.UnsupportedSignatureAlgorithm);
        }
        else if (p[6] != ContainerFormat.HashAlgorithmSha256)
        {
            Fail(EnvelopeError.UnsupportedHashAlgorithm);
        }
        else if (p[7] != 0)
        {
            Fail(EnvelopeError.NonZeroFlags);
        }
        else
        {
            _state = State.ManifestLength;
        }
    }

    private void ParseManifest()
    {
        try
        {
            Manifest = ManifestParser.Parse(_manifest);
            _state = State.ContentLength;
        }
        catch (EnvelopeException e)
        {
            Fail(e.Error);
        }
    }

    private void StartContent(ulong length)
    {
        if (length > (ulong)_maxContentLength)
        {
            Fail(EnvelopeError.ContentTooLarge);
            return;
        }

        ContentLength = (long)length;
        _contentRemaining = ContentLength;
        _state = State.Content;
        if (_contentRemaining == 0)
        {
            EndContent();
        }
    }

    private void EndContent()
    {
        ContentHash = _contentHash.GetHashAndReset();
        _state = State.Signature;
    }

    private void Fail(EnvelopeError error)
    {
        Error = error;
        _state = State.Failed;
    }
}
