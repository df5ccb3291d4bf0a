-- portkit's PostgreSQL store, schema version 2: subscriptions and the
-- state of their delivery (porting.SubscriptionStore).

-- Subscriptions, as porting.Subscription's JSON; revision and owner as
-- columns, since writes compare the one and listings filter by the other.
CREATE TABLE subscriptions (
	id         text COLLATE "C" PRIMARY KEY,
	account_id text COLLATE "C" NOT NULL,
	revision   bigint NOT NULL,
	doc        json NOT NULL
);
CREATE INDEX subscriptions_account ON subscriptions (account_id, id);

-- Delivery streams: a subscription's (deleted with it), or a system
-- stream's (subscription_id NULL, made on first use). cursor is the Seq of
-- the last event the stream enqueued or passed over; the lease names the
-- one process that delivers the stream, until lease_expires_ns (Unix
-- nanoseconds of the caller's clock).
CREATE TABLE delivery_streams (
	stream           text COLLATE "C" PRIMARY KEY,
	subscription_id  text COLLATE "C" REFERENCES subscriptions ON DELETE CASCADE,
	cursor           bigint NOT NULL,
	lease_holder     text COLLATE "C",
	lease_expires_ns bigint
);

-- Deliveries: porting.Delivery's JSON without its payload, and the
-- payload's bytes as they are; status and updated_ns as columns, for the
-- pending queue and for pruning what is over.
CREATE TABLE deliveries (
	stream     text COLLATE "C" NOT NULL REFERENCES delivery_streams ON DELETE CASCADE,
	seq        bigint NOT NULL,
	id         text COLLATE "C" NOT NULL,
	status     text COLLATE "C" NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
	revision   bigint NOT NULL,
	updated_ns bigint NOT NULL,
	doc        json NOT NULL,
	payload    bytea,
	PRIMARY KEY (stream, seq),
	UNIQUE (stream, id)
);
CREATE INDEX deliveries_pending ON deliveries (stream, seq) WHERE status = 'pending';
CREATE INDEX deliveries_over ON deliveries (stream, updated_ns, seq) WHERE status <> 'pending';
