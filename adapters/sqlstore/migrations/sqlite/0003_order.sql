-- Orders: the aggregate as a JSON document (order.Snapshot) with a
-- version for optimistic concurrency, and the columns that queries filter
-- on and that credit exposure sums. Amounts are TEXT, never a float.
CREATE TABLE o2c_orders (
    tenant             TEXT NOT NULL,
    id                 TEXT NOT NULL,
    version            INTEGER NOT NULL,
    body               TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    customer_id        TEXT NOT NULL,
    status             TEXT NOT NULL,
    currency           TEXT NOT NULL,
    net_total          TEXT NOT NULL,
    tax_total          TEXT NOT NULL,
    gross_total        TEXT NOT NULL,
    open_order_value   TEXT NOT NULL,
    uninvoiced_value   TEXT NOT NULL,
    requested_delivery TEXT,
    customer_reference TEXT,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_orders_customer ON o2c_orders (tenant, customer_id, id);
CREATE INDEX o2c_orders_status ON o2c_orders (tenant, status, id);
