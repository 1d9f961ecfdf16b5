-- 0002 (issue 5): key discovery between domains (docs/authd-api.md §7).
-- key_rotations: this server's announcements "kid NEW replaces kid OLD", signed with the old signing key,
-- served next to the keys on the public listener. pinned_keys, key_pin_changes and discovery_state: what
-- this server learned from its peers: every key it pinned (trust on first use), every change of a pinned key
-- (the conflict checks of issue 8 read them), and when each address was last fetched.

-- One row per key replaced by `mailfilterctl keys rotate` (not by import or restore: those are confirmed
-- by the peers' admins). signer_kid is the signing key current before the rotation.
CREATE TABLE key_rotations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address_id  bigint NOT NULL REFERENCES addresses (id),
    key_use     text NOT NULL CHECK (key_use IN ('sign', 'encrypt')),
    old_kid     bytea NOT NULL CHECK (octet_length(old_kid) = 16),
    new_kid     bytea NOT NULL UNIQUE CHECK (octet_length(new_kid) = 16),
    signer_kid  bytea NOT NULL CHECK (octet_length(signer_kid) = 16),
    rotated_at  timestamptz NOT NULL,
    signature   bytea NOT NULL CHECK (octet_length(signature) = 64)
);
CREATE INDEX key_rotations_address ON key_rotations (address_id, rotated_at);

-- Public keys of other domains' addresses, as their servers answered (validity and revocation as last
-- reported; a revocation is never undone). state: confirmed (used), unconfirmed (seen, waiting for a
-- rotation announcement or the admin), rejected (the admin refused it). is_current marks the one confirmed
-- key per address and use that lookups answer.
CREATE TABLE pinned_keys (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address            text NOT NULL CHECK (octet_length(address) BETWEEN 3 AND 255),
    domain             text NOT NULL,
    key_use            text NOT NULL CHECK (key_use IN ('sign', 'encrypt')),
    algorithm          text NOT NULL,
    kid                bytea NOT NULL CHECK (octet_length(kid) = 16),
    public_key         bytea NOT NULL CHECK (octet_length(public_key) = 32),
    not_before         timestamptz NOT NULL,
    not_after          timestamptz,
    revoked_at         timestamptz,
    revocation_reason  text,
    origin             text NOT NULL,
    state              text NOT NULL CHECK (state IN ('confirmed', 'unconfirmed', 'rejected')),
    confirmed_by       text CHECK (confirmed_by IN ('first-use', 'announcement', 'admin')),
    replaces_kid       bytea CHECK (octet_length(replaces_kid) = 16),
    is_current         boolean NOT NULL DEFAULT false,
    source             text NOT NULL,
    first_seen         timestamptz NOT NULL,
    last_seen          timestamptz NOT NULL,
    confirmed_at       timestamptz,
    UNIQUE (address, kid),
    CHECK ((key_use = 'sign' AND algorithm = 'ed25519') OR (key_use = 'encrypt' AND algorithm = 'x25519')),
    CHECK ((state = 'confirmed') = (confirmed_by IS NOT NULL)),
    CHECK (NOT is_current OR state = 'confirmed')
);
CREATE UNIQUE INDEX pinned_keys_one_current ON pinned_keys (address, key_use) WHERE is_current;
CREATE INDEX pinned_keys_kid ON pinned_keys (kid);
CREATE INDEX pinned_keys_domain ON pinned_keys (domain, address);

-- A different key seen for a pinned address and use. Recorded when first seen; accepted at once when a
-- valid rotation announcement links it to the confirmed key (resolved_by 'announcement'), otherwise pending
-- until the admin accepts or rejects it (resolved_by 'uid=U pid=P').
CREATE TABLE key_pin_changes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address      text NOT NULL,
    key_use      text NOT NULL CHECK (key_use IN ('sign', 'encrypt')),
    old_kid      bytea CHECK (octet_length(old_kid) = 16),
    new_kid      bytea NOT NULL CHECK (octet_length(new_kid) = 16),
    seen_at      timestamptz NOT NULL,
    source       text NOT NULL,
    state        text NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
    resolved_at  timestamptz,
    resolved_by  text,
    CHECK ((state = 'pending') = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX key_pin_changes_one_open ON key_pin_changes (address, key_use, new_kid) WHERE state = 'pending';
CREATE INDEX key_pin_changes_address ON key_pin_changes (address, seen_at);
CREATE INDEX key_pin_changes_pending ON key_pin_changes (seen_at) WHERE state = 'pending';

-- When each address of another domain was last asked for, and last answered.
CREATE TABLE discovery_state (
    address       text PRIMARY KEY,
    domain        text NOT NULL,
    source        text NOT NULL,
    fetched_at    timestamptz,
    found         boolean NOT NULL DEFAULT false,
    attempted_at  timestamptz NOT NULL,
    last_error    text
);
