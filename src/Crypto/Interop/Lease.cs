namespace MailFilter.Crypto.Interop;

/// <summary>
/// Keeps a <see cref="SecureMemoryHandle"/> alive (DangerousAddRef) while its bytes are in use, so a
/// concurrent Dispose cannot free memory under a running primitive. A ref struct: it cannot escape
/// the stack frame that took it.
/// </summary>
internal readonly ref struct Lease
{
    private readonly SecureMemoryHandle _handle;

    public Lease(SecureMemoryHandle handle)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, handle);
        bool added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
        Span = handle.DangerousGetSpan();
    }

    public Span<byte> Span { get; }

    public void Dispose() => _handle.DangerousRelease();
}
