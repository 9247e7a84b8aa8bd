-- Invoices, credit notes and deposit invoices: the aggregate as a JSON
-- document (invoice.Snapshot) with a version for optimistic concurrency,
-- and the columns that queries filter, sort and sum on.
CREATE TABLE o2c_invoices (
    tenant          TEXT NOT NULL,
    id              UUID NOT NULL,
    version         BIGINT NOT NULL,
    body            JSONB NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note', 'deposit')),
    status          TEXT NOT NULL,
    customer_id     UUID NOT NULL,
    number          TEXT,
    currency        CHAR(3) NOT NULL,
    gross           NUMERIC NOT NULL,
    open_amount     NUMERIC NOT NULL CHECK (open_amount >= 0),
    disputed_amount NUMERIC NOT NULL CHECK (disputed_amount >= 0 AND disputed_amount <= open_amount),
    issue_date      DATE,
    due_date        DATE,
    order_ref       TEXT,
    PRIMARY KEY (tenant, id)
);
-- one number per tenant; drafts have none (NULLs are distinct)
CREATE UNIQUE INDEX o2c_invoices_number ON o2c_invoices (tenant, number);
CREATE INDEX o2c_invoices_customer ON o2c_invoices (tenant, customer_id, status);
CREATE INDEX o2c_invoices_due ON o2c_invoices (tenant, status, due_date, id);
CREATE INDEX o2c_invoices_order ON o2c_invoices (tenant, order_ref);
-- Gapless numbering: one row per tenant and series, incremented with
-- INSERT ... ON CONFLICT DO UPDATE ... RETURNING in the issuing
-- transaction; the row lock it takes queues concurrent issuers until the
-- first commits or rolls back.
CREATE TABLE o2c_invoice_sequences (
    tenant     TEXT NOT NULL,
    series     TEXT NOT NULL,
    last_value BIGINT NOT NULL CHECK (last_value > 0),
    PRIMARY KEY (tenant, series)
);
