-- The tables of every store of psa. Each aggregate is one row: its ID, its version (for the
-- optimistic version rule of updates), the typed columns the store looks it up, lists and
-- constrains by, and the whole value as a JSONB document (amounts in it are exact decimal
-- strings with their currency code). Amounts the database constrains or queries are NUMERIC with
-- a currency code column, civil dates DATE, instants timestamptz. An empty external key is stored
-- as NULL, so it is never taken.

-- btree_gist lets one exclusion constraint compare a client ID (=) and a date range (&&).
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- package client

CREATE TABLE clients (
    id                 uuid PRIMARY KEY,
    version            bigint NOT NULL,
    external_id        text CONSTRAINT clients_external_id_key UNIQUE,
    parent_id          uuid,
    -- The client's one primary contact; a contact belongs to one client, so it is the primary
    -- contact of one client at most.
    primary_contact_id uuid CONSTRAINT clients_primary_contact_key UNIQUE,
    doc                jsonb NOT NULL
);
CREATE INDEX clients_parent_id_idx ON clients (parent_id, id);

CREATE TABLE contacts (
    id          uuid PRIMARY KEY,
    version     bigint NOT NULL,
    client_id   uuid NOT NULL,
    external_id text,
    doc         jsonb NOT NULL,
    CONSTRAINT contacts_external_id_key UNIQUE (client_id, external_id)
);
CREATE INDEX contacts_client_id_idx ON contacts (client_id, id);

CREATE TABLE assets (
    id          uuid PRIMARY KEY,
    version     bigint NOT NULL,
    client_id   uuid NOT NULL,
    external_id text,
    doc         jsonb NOT NULL,
    CONSTRAINT assets_external_id_key UNIQUE (client_id, external_id)
);
CREATE INDEX assets_client_id_idx ON assets (client_id, id);

-- package contract

CREATE TABLE contracts (
    id         uuid PRIMARY KEY,
    version    bigint NOT NULL,
    client_id  uuid NOT NULL,
    deal_id    text CONSTRAINT contracts_deal_id_key UNIQUE,
    status     text NOT NULL,
    is_default boolean NOT NULL,
    -- The days the contract serves, [start, end]; unbounded above for an open-ended contract.
    served     daterange NOT NULL,
    currency   char(3),
    doc        jsonb NOT NULL,
    -- A client has at most one default contract in force (active or draft) on any day.
    CONSTRAINT contracts_one_default EXCLUDE USING gist (client_id WITH =, served WITH &&)
        WHERE (is_default AND status IN ('active', 'draft'))
);
CREATE INDEX contracts_client_id_idx ON contracts (client_id, id);

CREATE TABLE contract_parts (
    id          uuid PRIMARY KEY,
    version     bigint NOT NULL,
    contract_id uuid NOT NULL CONSTRAINT contract_parts_contract_fkey REFERENCES contracts (id),
    doc         jsonb NOT NULL
);
CREATE INDEX contract_parts_contract_id_idx ON contract_parts (contract_id, id);

CREATE TABLE contract_history (
    contract_id uuid NOT NULL CONSTRAINT contract_history_contract_fkey REFERENCES contracts (id),
    seq         bigint NOT NULL CHECK (seq > 0),
    at          timestamptz NOT NULL,
    by_actor    text NOT NULL,
    what        text NOT NULL,
    PRIMARY KEY (contract_id, seq)
);

-- package servicedesk

CREATE TABLE tickets (
    id        uuid PRIMARY KEY,
    version   bigint NOT NULL,
    number    bigint NOT NULL CONSTRAINT tickets_number_key UNIQUE,
    client_id uuid NOT NULL,
    doc       jsonb NOT NULL
);
CREATE INDEX tickets_client_id_idx ON tickets (client_id, id);

-- The tenant's ticket number sequence: one row, updated in the transaction that draws a number,
-- so that a rolled-back transaction gives its number back.
CREATE TABLE ticket_counter (
    tenant boolean PRIMARY KEY DEFAULT true CHECK (tenant),
    last   bigint NOT NULL
);

CREATE TABLE ticket_notes (
    id        uuid PRIMARY KEY,
    ticket_id uuid NOT NULL CONSTRAINT ticket_notes_ticket_fkey REFERENCES tickets (id),
    doc       jsonb NOT NULL
);
CREATE INDEX ticket_notes_ticket_id_idx ON ticket_notes (ticket_id, id);

CREATE TABLE time_entries (
    id        uuid PRIMARY KEY,
    version   bigint NOT NULL,
    client_id uuid NOT NULL,
    ticket_id uuid,
    doc       jsonb NOT NULL
);
CREATE INDEX time_entries_client_id_idx ON time_entries (client_id, id);
CREATE INDEX time_entries_ticket_id_idx ON time_entries (ticket_id, id);

CREATE TABLE sla_policies (
    id      uuid PRIMARY KEY,
    version bigint NOT NULL,
    doc     jsonb NOT NULL
);

CREATE TABLE calendars (
    id      uuid PRIMARY KEY,
    version bigint NOT NULL,
    doc     jsonb NOT NULL
);

CREATE TABLE queues (
    id      uuid PRIMARY KEY,
    version bigint NOT NULL,
    doc     jsonb NOT NULL
);

CREATE TABLE desk_settings (
    tenant  boolean PRIMARY KEY DEFAULT true CHECK (tenant),
    version bigint NOT NULL,
    doc     jsonb NOT NULL
);

-- package invoice

-- A numbering scheme's counter (last) is updated, under the version rule, in the transaction
-- that finalizes an invoice, so concurrent finalizations serialize on this row and numbers stay
-- gapless.
CREATE TABLE numbering_schemes (
    id      uuid PRIMARY KEY,
    version bigint NOT NULL,
    last    bigint NOT NULL,
    doc     jsonb NOT NULL
);

CREATE TABLE invoices (
    id           uuid PRIMARY KEY,
    version      bigint NOT NULL,
    client_id    uuid NOT NULL,
    -- The nil UUID for a draft without a scheme, so that numbers are unique within it too.
    scheme_id    uuid NOT NULL,
    -- NULL for a draft: a draft carries no number.
    number       text,
    kind         text NOT NULL,
    status       text NOT NULL,
    invoice_date date,
    due_date     date,
    total        numeric,
    currency     char(3),
    doc          jsonb NOT NULL,
    CONSTRAINT invoices_number_key UNIQUE (scheme_id, number)
);
CREATE INDEX invoices_client_id_idx ON invoices (client_id, id);

-- package billing

CREATE TABLE sales_items (
    id         uuid PRIMARY KEY,
    version    bigint NOT NULL,
    client_id  uuid NOT NULL,
    invoice_id uuid,
    doc        jsonb NOT NULL
);
CREATE INDEX sales_items_client_id_idx ON sales_items (client_id, id);

-- A claim is identified by the invoice line that billed its subject: one claim per billed line.
CREATE TABLE billing_claims (
    id         uuid PRIMARY KEY,
    subject    uuid NOT NULL,
    key        text NOT NULL,
    invoice_id uuid NOT NULL,
    amount     numeric,
    currency   char(3),
    released   boolean NOT NULL,
    doc        jsonb NOT NULL
);
CREATE INDEX billing_claims_subject_idx ON billing_claims (subject, id);
CREATE INDEX billing_claims_invoice_id_idx ON billing_claims (invoice_id, id);

CREATE TABLE usage_records (
    id           uuid PRIMARY KEY,
    version      bigint NOT NULL,
    part_id      uuid NOT NULL,
    period_start date,
    doc          jsonb NOT NULL,
    CONSTRAINT usage_records_part_period_key UNIQUE NULLS NOT DISTINCT (part_id, period_start)
);
