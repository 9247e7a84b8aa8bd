-- Orders: the aggregate as a JSON document (order.Snapshot) with a
-- version for optimistic concurrency, and the columns that queries filter
-- on and that credit exposure sums.
CREATE TABLE o2c_orders (
    tenant             TEXT NOT NULL,
    id                 UUID NOT NULL,
    version            BIGINT NOT NULL,
    body               JSONB NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    customer_id        UUID NOT NULL,
    status             TEXT NOT NULL,
    currency           CHAR(3) NOT NULL,
    net_total          NUMERIC NOT NULL,
    tax_total          NUMERIC NOT NULL,
    gross_total        NUMERIC NOT NULL,
    open_order_value   NUMERIC NOT NULL,
    uninvoiced_value   NUMERIC NOT NULL,
    requested_delivery DATE,
    customer_reference TEXT,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_orders_customer ON o2c_orders (tenant, customer_id, id);
CREATE INDEX o2c_orders_status ON o2c_orders (tenant, status, id);
