-- Payments received: the aggregate as a JSON document
-- (invoice.PaymentSnapshot) and the query columns. The idempotency key is
-- unique per tenant, so a payment recorded twice is stored once.
CREATE TABLE o2c_payments (
    tenant          TEXT NOT NULL,
    id              UUID NOT NULL,
    version         BIGINT NOT NULL,
    body            JSONB NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    customer_id     UUID NOT NULL,
    currency        CHAR(3) NOT NULL,
    amount          NUMERIC NOT NULL CHECK (amount > 0),
    unapplied       NUMERIC NOT NULL CHECK (unapplied >= 0 AND unapplied <= amount),
    value_date      DATE NOT NULL,
    status          TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX o2c_payments_key ON o2c_payments (tenant, idempotency_key);
CREATE INDEX o2c_payments_customer ON o2c_payments (tenant, customer_id, status);
CREATE INDEX o2c_payments_value_date ON o2c_payments (tenant, value_date, id);
