-- Dunning: runs (one per tenant and date), the letter history (one row per
-- letter, keyed by its idempotency key; the letter itself travels in the
-- outbox event named by event_id), promises to pay, dunning blocks and
-- plan assignments.
CREATE TABLE o2c_dunning_runs (
    tenant     TEXT NOT NULL,
    id         TEXT NOT NULL,
    version    BIGINT NOT NULL,
    body       JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    run_date   DATE NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('executing', 'completed')),
    PRIMARY KEY (tenant, id)
);
CREATE TABLE o2c_dunning_history (
    tenant      TEXT NOT NULL,
    id          TEXT NOT NULL,
    version     BIGINT NOT NULL,
    body        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    seq         BIGSERIAL NOT NULL,
    run_date    DATE NOT NULL,
    customer_id UUID NOT NULL,
    currency    CHAR(3) NOT NULL,
    level       INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    event_id    UUID NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_dunning_history_customer ON o2c_dunning_history (tenant, customer_id, run_date);
CREATE INDEX o2c_dunning_history_date ON o2c_dunning_history (tenant, run_date, seq);
CREATE INDEX o2c_dunning_history_pending ON o2c_dunning_history (tenant, seq) WHERE status = 'pending';
CREATE TABLE o2c_dunning_promises (
    tenant      TEXT NOT NULL,
    id          UUID NOT NULL,
    version     BIGINT NOT NULL,
    body        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    customer_id UUID NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_dunning_promises_customer ON o2c_dunning_promises (tenant, customer_id);
CREATE TABLE o2c_dunning_blocks (
    tenant      TEXT NOT NULL,
    id          UUID NOT NULL,
    version     BIGINT NOT NULL,
    body        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    customer_id UUID NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_dunning_blocks_customer ON o2c_dunning_blocks (tenant, customer_id);
CREATE TABLE o2c_dunning_assignments (
    tenant     TEXT NOT NULL,
    id         TEXT NOT NULL,
    version    BIGINT NOT NULL,
    body       JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('customer', 'risk_class', 'segment')),
    key        TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
