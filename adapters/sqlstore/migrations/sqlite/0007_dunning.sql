-- Dunning: runs (one per tenant and date), the letter history (one row per
-- letter, keyed by its idempotency key; the letter itself travels in the
-- outbox event named by event_id), promises to pay, dunning blocks and
-- plan assignments. Instants are fixed-width UTC text, dates YYYY-MM-DD
-- text, amounts live in the JSON body; write order is the rowid.
CREATE TABLE o2c_dunning_runs (
    tenant     TEXT NOT NULL,
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    run_date   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('executing', 'completed')),
    PRIMARY KEY (tenant, id)
);
CREATE TABLE o2c_dunning_history (
    tenant      TEXT NOT NULL,
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    run_date    TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    currency    TEXT NOT NULL,
    level       INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    event_id    TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_dunning_history_customer ON o2c_dunning_history (tenant, customer_id, run_date);
CREATE INDEX o2c_dunning_history_date ON o2c_dunning_history (tenant, run_date);
CREATE INDEX o2c_dunning_history_pending ON o2c_dunning_history (tenant, status);
CREATE TABLE o2c_dunning_promises (
    tenant      TEXT NOT NULL,
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_dunning_promises_customer ON o2c_dunning_promises (tenant, customer_id);
CREATE TABLE o2c_dunning_blocks (
    tenant      TEXT NOT NULL,
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_dunning_blocks_customer ON o2c_dunning_blocks (tenant, customer_id);
CREATE TABLE o2c_dunning_assignments (
    tenant     TEXT NOT NULL,
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('customer', 'risk_class', 'segment')),
    key        TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
