-- Invoices, credit notes and deposit invoices: the aggregate as a JSON
-- document (invoice.Snapshot) with a version for optimistic concurrency,
-- and the columns that queries filter, sort and sum on. Amounts are TEXT,
-- never a float; dates are TEXT YYYY-MM-DD, so text order is date order.
CREATE TABLE o2c_invoices (
    tenant          TEXT NOT NULL,
    id              TEXT NOT NULL,
    version         INTEGER NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note', 'deposit')),
    status          TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    number          TEXT,
    currency        TEXT NOT NULL,
    gross           TEXT NOT NULL,
    open_amount     TEXT NOT NULL,
    disputed_amount TEXT NOT NULL,
    issue_date      TEXT,
    due_date        TEXT,
    order_ref       TEXT,
    PRIMARY KEY (tenant, id)
);
-- one number per tenant; drafts have none (NULLs are distinct)
CREATE UNIQUE INDEX o2c_invoices_number ON o2c_invoices (tenant, number);
CREATE INDEX o2c_invoices_customer ON o2c_invoices (tenant, customer_id, status);
CREATE INDEX o2c_invoices_due ON o2c_invoices (tenant, status, due_date, id);
CREATE INDEX o2c_invoices_order ON o2c_invoices (tenant, order_ref);
-- Gapless numbering: one row per tenant and series, incremented in the
-- issuing transaction (SQLite's immediate transactions serialise writers).
CREATE TABLE o2c_invoice_sequences (
    tenant     TEXT NOT NULL,
    series     TEXT NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (tenant, series)
);
