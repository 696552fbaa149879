-- The tables of packages portal and staff, in the form of 0001_init.sql: each aggregate is one
-- row with its ID, its version, the typed columns the store looks it up, lists and constrains by,
-- and the whole value as a JSONB document. An empty key (username, hash, name) and the nil ID of
-- an optional reference are stored as NULL, so they are never taken. A delete removes the row:
-- its ID and its keys are free again.

-- package portal

CREATE TABLE portal_accounts (
    id         uuid PRIMARY KEY,
    version    bigint NOT NULL,
    client_id  uuid NOT NULL,
    -- A contact has at most one portal account.
    contact_id uuid CONSTRAINT portal_accounts_contact_key UNIQUE,
    -- Usernames are unique in the tenant (the schema).
    username   text CONSTRAINT portal_accounts_username_key UNIQUE,
    doc        jsonb NOT NULL
);
CREATE INDEX portal_accounts_client_id_idx ON portal_accounts (client_id, id);

-- Create-password and reset tokens: only their hashes are stored.
CREATE TABLE portal_tokens (
    id         uuid PRIMARY KEY,
    version    bigint NOT NULL,
    account_id uuid NOT NULL,
    hash       text CONSTRAINT portal_tokens_hash_key UNIQUE,
    doc        jsonb NOT NULL
);
CREATE INDEX portal_tokens_account_id_idx ON portal_tokens (account_id, id);

-- Custom portal roles (the built-in roles are not stored).
CREATE TABLE portal_roles (
    id      uuid PRIMARY KEY,
    version bigint NOT NULL,
    doc     jsonb NOT NULL
);

CREATE TABLE portal_settings (
    tenant  boolean PRIMARY KEY DEFAULT true CHECK (tenant),
    version bigint NOT NULL,
    doc     jsonb NOT NULL
);

-- One row per copy of a message: owner is the mailbox (a portal account's or a staff member's ID).
CREATE TABLE portal_messages (
    id      uuid PRIMARY KEY,
    version bigint NOT NULL,
    owner   uuid NOT NULL,
    doc     jsonb NOT NULL
);
CREATE INDEX portal_messages_owner_idx ON portal_messages (owner, id);

CREATE TABLE portal_todos (
    id         uuid PRIMARY KEY,
    version    bigint NOT NULL,
    account_id uuid NOT NULL,
    doc        jsonb NOT NULL
);
CREATE INDEX portal_todos_account_id_idx ON portal_todos (account_id, id);

CREATE TABLE portal_news (
    id      uuid PRIMARY KEY,
    version bigint NOT NULL,
    doc     jsonb NOT NULL
);

CREATE TABLE portal_articles (
    id      uuid PRIMARY KEY,
    version bigint NOT NULL,
    doc     jsonb NOT NULL
);

-- package staff

-- Custom security levels (the built-in levels are not stored). A non-empty name is unique; a
-- deleted level's row is removed, so its ID and name are free.
CREATE TABLE security_levels (
    id      uuid PRIMARY KEY,
    version bigint NOT NULL,
    name    text CONSTRAINT security_levels_name_key UNIQUE,
    doc     jsonb NOT NULL
);

-- Staff members are never deleted.
CREATE TABLE staff_members (
    id       uuid PRIMARY KEY,
    version  bigint NOT NULL,
    level_id uuid NOT NULL,
    doc      jsonb NOT NULL
);
CREATE INDEX staff_members_level_id_idx ON staff_members (level_id, id);

-- API users are never deleted; a non-empty username is unique.
CREATE TABLE api_users (
    id       uuid PRIMARY KEY,
    version  bigint NOT NULL,
    level_id uuid NOT NULL,
    username text CONSTRAINT api_users_username_key UNIQUE,
    doc      jsonb NOT NULL
);
CREATE INDEX api_users_level_id_idx ON api_users (level_id, id);
