-- E-invoice lifecycle timelines: one row per tenant and invoice number
-- (id), the status updates in time order in the JSON body.
CREATE TABLE o2c_einvoice_timelines (
    tenant     TEXT NOT NULL,
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
