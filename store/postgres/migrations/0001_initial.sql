-- portkit's PostgreSQL store, schema version 1. Every key column is
-- COLLATE "C": bytewise, like Go's string comparison, whatever the
-- database's collation, so ties in listings break the same way as in the
-- other stores.

-- Accounts, as porting.Account's JSON.
CREATE TABLE accounts (
	id  text COLLATE "C" PRIMARY KEY,
	doc json NOT NULL
);

-- Port requests: the document (store/internal/codec's binary form) and the
-- columns the listings order and filter by. Times are Unix nanoseconds:
-- timestamptz keeps microseconds, and ranges and cursors need the
-- nanosecond.
CREATE TABLE requests (
	id           text COLLATE "C" PRIMARY KEY,
	account_id   text COLLATE "C" NOT NULL,
	state        text COLLATE "C" NOT NULL,
	created_ns   bigint NOT NULL,
	updated_ns   bigint NOT NULL,
	revision     bigint NOT NULL,
	timeline_len integer NOT NULL,
	doc          bytea NOT NULL
);
-- Listings, newest first, ties by ID: global, by account, by state, by
-- account and state; by creation and by last update.
CREATE INDEX requests_created ON requests (created_ns DESC, id);
CREATE INDEX requests_updated ON requests (updated_ns DESC, id);
CREATE INDEX requests_account_created ON requests (account_id, created_ns DESC, id);
CREATE INDEX requests_account_updated ON requests (account_id, updated_ns DESC, id);
CREATE INDEX requests_state_created ON requests (state, created_ns DESC, id);
CREATE INDEX requests_state_updated ON requests (state, updated_ns DESC, id);
CREATE INDEX requests_account_state_created ON requests (account_id, state, created_ns DESC, id);
CREATE INDEX requests_account_state_updated ON requests (account_id, state, updated_ns DESC, id);

-- The account tree, materialised: one row per account on a request's path
-- (its own account included), with copies of the columns the listings
-- order and filter by, so that a page of an account's descendants at any
-- depth is one ordered index scan.
CREATE TABLE request_ancestors (
	request_id text COLLATE "C" NOT NULL REFERENCES requests ON DELETE CASCADE,
	account_id text COLLATE "C" NOT NULL,
	state      text COLLATE "C" NOT NULL,
	created_ns bigint NOT NULL,
	updated_ns bigint NOT NULL,
	PRIMARY KEY (request_id, account_id)
);
CREATE INDEX request_ancestors_created ON request_ancestors (account_id, created_ns DESC, request_id);
CREATE INDEX request_ancestors_updated ON request_ancestors (account_id, updated_ns DESC, request_id);
CREATE INDEX request_ancestors_state_created ON request_ancestors (account_id, state, created_ns DESC, request_id);
CREATE INDEX request_ancestors_state_updated ON request_ancestors (account_id, state, updated_ns DESC, request_id);

-- Every number of every request, and what the request does with it: hold
-- 'active' while the number's sub request is active (the request claims
-- it), 'completed' once it completed (the number is the platform's), NULL
-- otherwise. At most one request holds a number, by the unique index:
-- a second claim is a unique violation, whoever commits first.
CREATE TABLE request_numbers (
	request_id text COLLATE "C" NOT NULL REFERENCES requests ON DELETE CASCADE,
	e164       text COLLATE "C" NOT NULL,
	hold       text COLLATE "C" CHECK (hold IN ('active', 'completed')),
	PRIMARY KEY (request_id, e164)
);
CREATE INDEX request_numbers_e164 ON request_numbers (e164);
CREATE UNIQUE INDEX request_numbers_held ON request_numbers (e164) WHERE hold IS NOT NULL;

-- Support keys of requests and sub requests, unique across all of them.
CREATE TABLE support_keys (
	key        text COLLATE "C" PRIMARY KEY,
	request_id text COLLATE "C" NOT NULL REFERENCES requests ON DELETE CASCADE
);
CREATE INDEX support_keys_request ON support_keys (request_id);

-- A request's timeline: its comments and transitions, numbered from 1
-- (requests.timeline_len is the last number), as porting.TimelineEntry's
-- JSON. kind is 'comment' or 'transition'.
CREATE TABLE timeline (
	request_id text COLLATE "C" NOT NULL REFERENCES requests ON DELETE CASCADE,
	seq        integer NOT NULL,
	kind       text COLLATE "C",
	private    boolean NOT NULL,
	entry      json NOT NULL,
	PRIMARY KEY (request_id, seq)
);

-- Attachment bytes, by request and content ID. Stored out of line and
-- uncompressed: attachments are PDFs, compressed already.
CREATE TABLE contents (
	request_id text COLLATE "C" NOT NULL REFERENCES requests ON DELETE CASCADE,
	content_id text COLLATE "C" NOT NULL,
	data       bytea NOT NULL,
	PRIMARY KEY (request_id, content_id)
);
ALTER TABLE contents ALTER COLUMN data SET STORAGE EXTERNAL;

-- The event log, as porting.Event's JSON. seq is the writing
-- transaction's ID shifted left by 20 bits, plus the event's position in
-- the write (see the package documentation).
CREATE TABLE events (
	seq  bigint PRIMARY KEY,
	body json NOT NULL
);

-- Consumers' positions in the event log (a uint64, stored as the bigint of
-- the same bits).
CREATE TABLE event_cursors (
	consumer text COLLATE "C" PRIMARY KEY,
	seq      bigint NOT NULL
);

-- Settings of the programs sharing the database (portd's master account
-- and link key): the first value written under a key stays.
CREATE TABLE settings (
	key   text COLLATE "C" PRIMARY KEY,
	value text NOT NULL
);

-- portkit_conflict raises the error of a write whose request is not at
-- the revision it names: PK409 when the request is at another revision,
-- PK404 when there is none. The store maps both to porting's sentinels.
CREATE FUNCTION portkit_conflict(p_id text, p_revision bigint) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM requests WHERE id = p_id) THEN
		RAISE EXCEPTION 'port request % is not at revision %', p_id, p_revision USING ERRCODE = 'PK409';
	END IF;
	RAISE EXCEPTION 'port request % does not exist', p_id USING ERRCODE = 'PK404';
END
$$;
