-- (SQLite: amounts are TEXT, never a float; dates TEXT YYYY-MM-DD.)
-- Receivables per due line (issue #13). o2c_invoice_due_lines holds one
-- row per instalment of every issued document (invoice.DueLinesOf), with
-- the query columns of its document; o2c_invoice_settlements holds the
-- dated facts that reduced them (invoice.SettlementFacts: each payment,
-- credit note and write-off split by instalment, dated by its value date,
-- with the day it was reversed). All three tables are rewritten from the document in
-- the transaction that saves it, so they always agree with it and with
-- the payment's allocations written in that transaction. Aging as of any
-- date aggregates them in SQL: open on D = amount - SUM(facts active on D).
-- Rows of documents stored before this migration appear when the document
-- is next saved.
CREATE TABLE o2c_invoice_due_lines (
    tenant          TEXT NOT NULL,
    invoice_id      TEXT NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq > 0),
    lines           INTEGER NOT NULL CHECK (lines >= seq),
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    number          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    gross           TEXT NOT NULL,
    issue_date      TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    order_ref       TEXT,
    amount          TEXT NOT NULL,
    open_amount     TEXT NOT NULL,
    disputed_amount TEXT NOT NULL,
    discount_percent TEXT,
    discount_days   INTEGER,
    -- the day from which the line stays settled; NULL while open
    closed_on       TEXT,
    PRIMARY KEY (tenant, invoice_id, seq)
);
CREATE INDEX o2c_invoice_due_lines_due ON o2c_invoice_due_lines (tenant, status, due_date, invoice_id, seq);
CREATE INDEX o2c_invoice_due_lines_customer ON o2c_invoice_due_lines (tenant, customer_id, status);
CREATE INDEX o2c_invoice_due_lines_closed ON o2c_invoice_due_lines (tenant, closed_on);
-- The line's query columns are repeated on each fact (customer, currency,
-- kind, issue and due dates, closed_on), so that aging sums the facts
-- without joining the lines.
CREATE TABLE o2c_invoice_settlements (
    tenant         TEXT NOT NULL,
    invoice_id     TEXT NOT NULL,
    allocation_id  TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    value_date     TEXT NOT NULL,
    amount         TEXT NOT NULL,
    reversed_on    TEXT,
    doc_kind       TEXT NOT NULL,
    customer_id    TEXT NOT NULL,
    currency       TEXT NOT NULL,
    issue_date     TEXT NOT NULL,
    due_date       TEXT NOT NULL,
    line_closed_on TEXT,
    PRIMARY KEY (tenant, invoice_id, seq, allocation_id)
);
CREATE INDEX o2c_invoice_settlements_value_date ON o2c_invoice_settlements (tenant, value_date);
CREATE INDEX o2c_invoice_settlements_reversed ON o2c_invoice_settlements (tenant, reversed_on);
-- Runs of days [from_date, to_date) on which nothing was open on a line
-- that was open again later (a payment reversed after it settled the
-- line); the final settled run is closed_on on the line. Rare; aging
-- subtracts them from its count of open lines.
CREATE TABLE o2c_invoice_settled_periods (
    tenant      TEXT NOT NULL,
    invoice_id  TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    from_date   TEXT NOT NULL,
    to_date     TEXT NOT NULL,
    doc_kind    TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    currency    TEXT NOT NULL,
    issue_date  TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    PRIMARY KEY (tenant, invoice_id, seq, from_date)
);
