-- E-invoice lifecycle timelines: one row per tenant and invoice number
-- (id), the status updates in time order in the JSON body.
CREATE TABLE o2c_einvoice_timelines (
    tenant     TEXT NOT NULL,
    id         TEXT NOT NULL,
    version    BIGINT NOT NULL,
    body       JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, id)
);
