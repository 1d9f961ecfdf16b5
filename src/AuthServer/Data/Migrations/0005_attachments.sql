-- 0005 (issue 7): attachments as cloud links (docs/attachments.md). Content stored once by SHA-256 with a
-- reference count; documents with versions; one grant per (message, recipient, file); proof of mailbox for
-- downloads of encrypted mail.

-- Stored content (docs/attachments.md §2). The object in the store is named by a keyed hash (object_name),
-- never by the plaintext's SHA-256. refcount = unreleased grants that sent this content + versions of live
-- documents; written only in the transactions that add or release those references (§9).
CREATE TABLE attachments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256        bytea NOT NULL UNIQUE CHECK (octet_length(sha256) = 32),
    size          bigint NOT NULL CHECK (size >= 0),
    object_name   text NOT NULL UNIQUE CHECK (object_name ~ '^[0-9a-f]{64}$'),
    stored_bytes  bigint NOT NULL CHECK (stored_bytes >= size),
    -- storing: an upload is (or was) in progress; stored: the object is complete in the store.
    state         text NOT NULL DEFAULT 'storing' CHECK (state IN ('storing', 'stored')),
    refcount      integer NOT NULL DEFAULT 0 CHECK (refcount >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- Every HEAD, PUT and grant refreshes it: GC leaves unreferenced content alone for [attachments] gc_grace after it.
    last_used_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_unreferenced ON attachments (last_used_at) WHERE refcount = 0;

-- A document is what a sender sent as one file: its versions (§8). Grants that follow "latest" serve its newest
-- version. Released (versions dropped, references returned) when none of its grants is unreleased.
CREATE TABLE attachment_documents (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner         text NOT NULL CHECK (char_length(owner) BETWEEN 3 AND 320),
    created_at    timestamptz NOT NULL DEFAULT now(),
    released_at   timestamptz
);
CREATE INDEX attachment_documents_owner ON attachment_documents (owner) WHERE released_at IS NULL;

CREATE TABLE attachment_versions (
    document_id   bigint NOT NULL REFERENCES attachment_documents (id) ON DELETE CASCADE,
    version       integer NOT NULL CHECK (version >= 1),
    attachment_id bigint NOT NULL REFERENCES attachments (id),
    published_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, version)
);
CREATE INDEX attachment_versions_attachment ON attachment_versions (attachment_id);

-- One grant per (message, recipient, file) (§4). Only SHA-256 of the token is stored. sha256 and size record what was
-- sent; attachment_id is the reference (null once GC deleted the content of a released grant).
CREATE TABLE attachment_grants (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash        bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    attachment_id     bigint REFERENCES attachments (id) ON DELETE SET NULL,
    sha256            bytea NOT NULL CHECK (octet_length(sha256) = 32),
    size              bigint NOT NULL CHECK (size >= 0),
    document_id       bigint NOT NULL REFERENCES attachment_documents (id),
    follow            text NOT NULL DEFAULT 'pinned' CHECK (follow IN ('pinned', 'latest')),
    sender            text NOT NULL CHECK (char_length(sender) BETWEEN 3 AND 320),
    recipient         text NOT NULL CHECK (char_length(recipient) BETWEEN 3 AND 320),
    message_id        text CHECK (char_length(message_id) <= 998),
    queue_id          text CHECK (char_length(queue_id) <= 64),
    file_name         text NOT NULL CHECK (octet_length(file_name) BETWEEN 1 AND 255),
    content_type      text NOT NULL CHECK (char_length(content_type) BETWEEN 3 AND 255),
    encrypted         boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    download_limit    integer CHECK (download_limit >= 1),
    downloads         integer NOT NULL DEFAULT 0 CHECK (downloads >= 0),
    last_download_at  timestamptz,
    revoked_at        timestamptz,
    -- Set by GC when the grant is dead (expired or revoked) and its reference on attachment_id was returned.
    released_at       timestamptz
);
CREATE INDEX attachment_grants_sender ON attachment_grants (sender, id);
CREATE INDEX attachment_grants_recipient ON attachment_grants (recipient, id);
CREATE INDEX attachment_grants_message ON attachment_grants (message_id);
CREATE INDEX attachment_grants_sha256 ON attachment_grants (sha256);
CREATE INDEX attachment_grants_document ON attachment_grants (document_id) WHERE released_at IS NULL;
CREATE INDEX attachment_grants_unreleased ON attachment_grants (expires_at) WHERE released_at IS NULL;

-- Proof of mailbox (§6): one-time codes mailed to a recipient (SHA-256(recipient 0x00 code) only), and the
-- short-lived browser sessions a right code opens (SHA-256 of the cookie only).
CREATE TABLE attachment_proof_codes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient   text NOT NULL CHECK (char_length(recipient) BETWEEN 3 AND 320),
    code_hash   bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    failures    integer NOT NULL DEFAULT 0,
    used_at     timestamptz
);
CREATE INDEX attachment_proof_codes_recipient ON attachment_proof_codes (recipient, created_at);

CREATE TABLE attachment_proof_sessions (
    session_hash  bytea PRIMARY KEY CHECK (octet_length(session_hash) = 32),
    recipient     text NOT NULL CHECK (char_length(recipient) BETWEEN 3 AND 320),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX attachment_proof_sessions_expires ON attachment_proof_sessions (expires_at);
