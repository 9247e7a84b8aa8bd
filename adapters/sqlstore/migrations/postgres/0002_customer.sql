-- The customer master: one row per customer (JSON body plus query columns)
-- and the IBANs known for each, kept in step in the same transaction.
CREATE TABLE o2c_customers (
    tenant     TEXT NOT NULL,
    id         UUID NOT NULL,
    version    BIGINT NOT NULL,
    body       JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    number     TEXT COLLATE "C" NOT NULL,
    legal_name TEXT NOT NULL,
    segment    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id),
    UNIQUE (tenant, number)
);
CREATE INDEX o2c_customers_segment ON o2c_customers (tenant, segment, number);
-- The customers' bank accounts, IBANs in compact form, rewritten in the
-- transaction that writes the customer: how cash application finds the
-- customers who pay from an account.
CREATE TABLE o2c_customer_ibans (
    tenant      TEXT NOT NULL,
    iban        TEXT NOT NULL,
    customer_id UUID NOT NULL,
    PRIMARY KEY (tenant, iban, customer_id),
    FOREIGN KEY (tenant, customer_id) REFERENCES o2c_customers (tenant, id) ON DELETE CASCADE
);
CREATE INDEX o2c_customer_ibans_customer ON o2c_customer_ibans (tenant, customer_id);
