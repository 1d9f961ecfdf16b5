-- 0006 (issue 8, M4 and M3 learning): observations of signature claims, conflicts, the blacklist (docs/conflicts.md),
-- and learned whitelist entries (docs/whitelist.md §6). Numbered 0006 while 0005 belongs to the attachments of
-- issue 7: the runner applies every migration a database lacks, in version order (docs/database.md).

-- One row per signature claim seen at delivery (kind 'delivery': the signer identity and kid the message names,
-- the sending host as Postfix's XFORWARD reported it, the recipient), and per key a discovery answer listed
-- (kind 'discovery': identity, kid and the peer URL in source). Written once, never updated; rows older than
-- [conflicts] retention are deleted in batches by authd (observations_time). Detection reads one pair's rows
-- of the last window through observations_pair: an index range scan whatever the table's size.
CREATE TABLE observations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    observed_at  timestamptz NOT NULL DEFAULT now(),
    kind         text NOT NULL CHECK (kind IN ('delivery', 'discovery')),
    identity     text NOT NULL CHECK (octet_length(identity) BETWEEN 3 AND 255),
    kid          bytea NOT NULL CHECK (octet_length(kid) = 16),
    client_addr  inet,
    helo         text CHECK (octet_length(helo) <= 255),
    source       text CHECK (octet_length(source) <= 300),
    recipient    text CHECK (octet_length(recipient) BETWEEN 3 AND 255),
    queue_id     text CHECK (octet_length(queue_id) <= 32),
    verified     boolean NOT NULL DEFAULT false,
    CHECK ((kind = 'delivery') = (recipient IS NOT NULL))
);
-- With the kid before the time, "another kid for this pair within the window?" reads only other kids' entries: the
-- common case (one key) costs a couple of index probes however much mail the pair exchanges.
CREATE INDEX observations_pair ON observations (identity, recipient, kid, observed_at) WHERE kind = 'delivery';
CREATE INDEX observations_time ON observations USING brin (observed_at);

-- The history check's memory: per identity, recipient and sending host, when it was first and last seen and how
-- many sessions it had. One row per triple (upserted with each delivery observation), so the check is one
-- primary-key probe per source and history outlives the raw observations ([conflicts] history_retention).
CREATE TABLE observation_history (
    identity     text NOT NULL,
    recipient    text NOT NULL,
    client_addr  inet NOT NULL,
    first_seen   timestamptz NOT NULL,
    last_seen    timestamptz NOT NULL,
    sessions     bigint NOT NULL CHECK (sessions > 0),
    last_kid     bytea NOT NULL CHECK (octet_length(last_kid) = 16),
    last_helo    text,
    PRIMARY KEY (identity, recipient, client_addr)
);
CREATE INDEX observation_history_last_seen ON observation_history (last_seen);

-- Two or more key lineages for one identity and recipient within the window. state: blocked (the pair's mail is
-- tempfailed) or resolved. sources: [{kid, address, helo, first, last, count, history}] as the check saw them.
-- decision: history (decided at once), admin (mailfilterctl conflicts resolve --genuine), released (the admin
-- accepted every key: none is forged).
CREATE TABLE conflicts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identity        text NOT NULL,
    recipient       text NOT NULL,
    kids            bytea[] NOT NULL,
    sources         jsonb NOT NULL,
    window_start    timestamptz NOT NULL,
    opened_at       timestamptz NOT NULL DEFAULT now(),
    state           text NOT NULL CHECK (state IN ('blocked', 'resolved')),
    reason          text NOT NULL,
    decision        text CHECK (decision IN ('history', 'admin', 'released')),
    genuine_kids    bytea[],
    genuine_sources inet[],
    forger_kids     bytea[],
    forger_sources  inet[],
    resolved_at     timestamptz,
    resolved_by     text,
    notified_at     timestamptz,
    CHECK ((state = 'resolved') = (decision IS NOT NULL AND resolved_at IS NOT NULL))
);
CREATE UNIQUE INDEX conflicts_one_blocked ON conflicts (identity, recipient) WHERE state = 'blocked';
CREATE INDEX conflicts_pair ON conflicts (identity, recipient, opened_at);
CREATE INDEX conflicts_opened ON conflicts (opened_at);

-- Refused sources: a sending host's address, or a key id (with the identity it was claimed for). Removing an entry
-- keeps the row (removed_at); until, when set, ends it by itself.
CREATE TABLE blacklist (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('address', 'kid')),
    client_addr  inet,
    kid          bytea CHECK (octet_length(kid) = 16),
    identity     text,
    reason       text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    conflict_id  bigint REFERENCES conflicts (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL,
    until        timestamptz,
    removed_at   timestamptz,
    removed_by   text,
    CHECK ((kind = 'address') = (client_addr IS NOT NULL) AND (kind = 'kid') = (kid IS NOT NULL))
);
CREATE UNIQUE INDEX blacklist_live_address ON blacklist (client_addr) WHERE kind = 'address' AND removed_at IS NULL;
CREATE UNIQUE INDEX blacklist_live_kid ON blacklist (kid) WHERE kind = 'kid' AND removed_at IS NULL;

-- Entries added by learning (mail from the contact delivered to the user with mailfilter=pass) are marked; an
-- edit by the user or the admin makes the entry theirs (learned = false).
ALTER TABLE whitelist_entries ADD COLUMN learned boolean NOT NULL DEFAULT false;
