-- 0003 (issue 6): registered mail (docs/registry.md). Address registration state on addresses, the
-- single-use tokens of its mails, and the message registry.

-- Registration of a sender address (docs/registry.md §6): none until someone submits it.
ALTER TABLE addresses
    ADD COLUMN registration_state  text NOT NULL DEFAULT 'none' CHECK (registration_state IN ('none', 'pending', 'confirmed', 'unbound')),
    ADD COLUMN display_company     text CHECK (char_length(display_company) <= 200),
    ADD COLUMN display_name        text CHECK (char_length(display_name) <= 200),
    ADD COLUMN requested_at        timestamptz,
    ADD COLUMN confirmed_at        timestamptz,
    ADD COLUMN unbound_at          timestamptz,
    ADD COLUMN last_reminder_at    timestamptz,
    ADD COLUMN last_mail_at        timestamptz,
    -- SHA-256(address 0x00 code) of the pending code, and how many wrong codes were tried against it.
    ADD COLUMN code_hash           bytea CHECK (octet_length(code_hash) = 32),
    ADD COLUMN code_expires_at     timestamptz,
    ADD COLUMN code_failures       integer NOT NULL DEFAULT 0;
CREATE INDEX addresses_registration ON addresses (registration_state, coalesce(last_reminder_at, confirmed_at))
    WHERE registration_state = 'confirmed';

-- Links in registration mails: only SHA-256 of the token is stored; single use (used_at), and they expire.
CREATE TABLE registration_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address_id  bigint NOT NULL REFERENCES addresses (id),
    purpose     text NOT NULL CHECK (purpose IN ('confirm', 'manage')),
    token_hash  bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX registration_tokens_address ON registration_tokens (address_id);

-- The message registry (docs/registry.md §2). The only lookup is by confirmation number (a B-tree of a few
-- levels at 100 million rows); retention deletes by expires_at in batches.
CREATE TABLE registrations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    confirmation_no  text NOT NULL CHECK (char_length(confirmation_no) BETWEEN 29 AND 791),
    sender           text NOT NULL,
    recipients       text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 1000),
    message_date     timestamptz NOT NULL,
    signature        text NOT NULL CHECK (signature ~ '^[0-9a-f]{128}$'),
    message_id       text CHECK (char_length(message_id) <= 998),
    registered_at    timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX registrations_confirmation_no ON registrations (confirmation_no);
CREATE INDEX registrations_expires_at ON registrations (expires_at);
