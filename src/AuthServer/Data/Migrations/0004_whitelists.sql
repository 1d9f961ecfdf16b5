-- 0004 (issue 8, M3): users and their egress whitelists (docs/whitelist.md), after the message registry (0003).

-- users: who may fetch a whitelist (public listener) and whose outbound mail it governs. password_hash is an
-- Argon2id PHC string; whitelist_version grows by one with every change to the user's list.
CREATE TABLE users (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 64),
    password_hash      text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    kind               text NOT NULL CHECK (kind IN ('internal', 'external')),
    whitelist_version  bigint NOT NULL DEFAULT 0 CHECK (whitelist_version >= 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- The addresses a user sends as (canonical, docs/envelope.md §4); each belongs to one user at most.
CREATE TABLE user_addresses (
    address  text PRIMARY KEY CHECK (octet_length(address) BETWEEN 3 AND 255),
    user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX user_addresses_user ON user_addresses (user_id);

-- One row per target (an address, or a domain matching every address in it). A removed entry stays as a
-- tombstone (removed_at set) so that "changes since version N" names it; version is the list version of
-- the entry's last change.
CREATE TABLE whitelist_entries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_kind text NOT NULL CHECK (target_kind IN ('address', 'domain')),
    target      text NOT NULL CHECK (octet_length(target) BETWEEN 1 AND 255),
    name        text CHECK (char_length(name) <= 200),
    nickname    text CHECK (char_length(nickname) <= 100),
    notes       text CHECK (char_length(notes) <= 2000),
    version     bigint NOT NULL CHECK (version > 0),
    removed_at  timestamptz,
    UNIQUE (user_id, target_kind, target)
);
CREATE INDEX whitelist_entries_changes ON whitelist_entries (user_id, version);
