-- 0001 (issue 4): addresses, keys, the audit log and the master-key check.
-- The product's full table set is planned in docs/database.md; later issues add their own migrations
-- (registrations, attachments, users, whitelists, observations, ...). A migration is never edited once
-- released: schema_migrations keeps each one's SHA-256 and authd refuses to start on a mismatch.

-- Every address MailFilter knows, in canonical form (docs/envelope.md §4: local part byte-exact, domain
-- lower-case A-labels). Registration state (M2) comes with its own migration.
CREATE TABLE addresses (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address     text NOT NULL UNIQUE CHECK (octet_length(address) BETWEEN 3 AND 255),
    domain      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_domain ON addresses (domain);

-- Keys per address and use. A key is never deleted: rotation sets not_after (old mail still opens and
-- old signatures still verify, docs/envelope.md §6 step 10), revocation sets revoked_at as well.
CREATE TABLE keys (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address_id          bigint NOT NULL REFERENCES addresses (id),
    key_use             text NOT NULL CHECK (key_use IN ('sign', 'encrypt')),
    algorithm           text NOT NULL,
    kid                 bytea NOT NULL UNIQUE CHECK (octet_length(kid) = 16),
    public_key          bytea NOT NULL CHECK (octet_length(public_key) = 32),
    -- ChaCha20-Poly1305 under the master key, bound to address, use and kid (docs/authd-api.md §6).
    sealed_private_key  bytea NOT NULL,
    not_before          timestamptz NOT NULL,
    not_after           timestamptz,
    revoked_at          timestamptz,
    revocation_reason   text,
    origin              text NOT NULL CHECK (origin IN ('first-use', 'generated', 'rotated', 'imported', 'restored')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((key_use = 'sign' AND algorithm = 'ed25519') OR (key_use = 'encrypt' AND algorithm = 'x25519')),
    CHECK (not_after IS NULL OR not_after >= not_before),
    CHECK (revoked_at IS NULL OR not_after IS NOT NULL)
);

-- At most one current key per address and use. Creation on first use inserts with
-- ON CONFLICT ... DO NOTHING against this index, so concurrent first uses (on one authd or many) end
-- with exactly one key.
CREATE UNIQUE INDEX keys_one_current ON keys (address_id, key_use) WHERE not_after IS NULL;
CREATE INDEX keys_address ON keys (address_id, key_use, not_before DESC);

-- Who did what to which key: creation, rotation, revocation, import, secret export, backup, restore.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    address     text,
    kid         bytea,
    detail      text
);
CREATE INDEX audit_log_at ON audit_log (at);

-- HKDF(master key, "mailfilter/v1 master-key check"): written on first start, compared on every start,
-- so authd refuses a wrong master key before it seals or opens anything.
CREATE TABLE master_key_check (
    id           smallint PRIMARY KEY CHECK (id = 1),
    check_value  bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
