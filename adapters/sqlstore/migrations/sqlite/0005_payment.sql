-- Payments received: the aggregate as a JSON document
-- (invoice.PaymentSnapshot) and the query columns. The idempotency key is
-- unique per tenant, so a payment recorded twice is stored once.
CREATE TABLE o2c_payments (
    tenant          TEXT NOT NULL,
    id              TEXT NOT NULL,
    version         INTEGER NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    currency        TEXT NOT NULL,
    amount          TEXT NOT NULL,
    unapplied       TEXT NOT NULL,
    value_date      TEXT NOT NULL,
    status          TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX o2c_payments_key ON o2c_payments (tenant, idempotency_key);
CREATE INDEX o2c_payments_customer ON o2c_payments (tenant, customer_id, status);
CREATE INDEX o2c_payments_value_date ON o2c_payments (tenant, value_date, id);
