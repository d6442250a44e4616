//! The database schema, in versioned migrations applied by `andon db
//! migrate`, and the check every other command makes first: a schema older
//! or newer than this binary is refused with what to do.
//!
//! Everything lives in the PostgreSQL schema `andon`: `schema_version`
//! (one row per migration applied), `incidents`, and `events`, keyed by
//! `(incident, seq)`, each row holding the event's canonical line exactly
//! as a `.andonlog` holds it. Triggers refuse UPDATE, DELETE and TRUNCATE
//! on both tables, and an insert whose `prev` is not the hash of the
//! incident's previous event: the chain is kept by the database too.
//! `presence` (version 2) lists the consoles on each incident, refreshed
//! while they run.

use super::ShareError;
use tokio_postgres::Client;

/// One migration: its version, what it does in words, and its SQL.
pub struct Migration {
    pub version: i32,
    pub description: &'static str,
    sql: &'static str,
}

/// Every migration, in order. A new one goes at the end; none is changed
/// once released.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "incidents and their append-only, hash-chained events",
        sql: r#"
CREATE TABLE andon.incidents (
    id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
    plant text NOT NULL,
    timezone text NOT NULL,
    mode text NOT NULL CHECK (mode IN ('live', 'drill')),
    runbook_hash text,
    opened_at timestamptz NOT NULL,
    opened_by text NOT NULL
);
CREATE TABLE andon.events (
    incident text NOT NULL REFERENCES andon.incidents (id),
    seq bigint NOT NULL CHECK (seq >= 1),
    at timestamptz NOT NULL,
    kind text NOT NULL,
    decision text,
    line text NOT NULL CHECK (octet_length(line) <= 1048576),
    prev text NOT NULL CHECK (prev ~ '^[0-9a-f]{64}$'),
    hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    console text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (incident, seq)
);
CREATE INDEX events_by_decision ON andon.events (incident, decision)
    WHERE decision IS NOT NULL;

CREATE FUNCTION andon.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'andon: % on %.% is refused: the incident record is append-only',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON andon.events
    FOR EACH ROW EXECUTE FUNCTION andon.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON andon.events
    FOR EACH STATEMENT EXECUTE FUNCTION andon.refuse_change();
CREATE TRIGGER incidents_append_only BEFORE UPDATE OR DELETE ON andon.incidents
    FOR EACH ROW EXECUTE FUNCTION andon.refuse_change();
CREATE TRIGGER incidents_no_truncate BEFORE TRUNCATE ON andon.incidents
    FOR EACH STATEMENT EXECUTE FUNCTION andon.refuse_change();

CREATE FUNCTION andon.check_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before text;
BEGIN
    IF NEW.seq = 1 THEN
        before := repeat('0', 64);
    ELSE
        SELECT hash INTO before FROM andon.events
            WHERE incident = NEW.incident AND seq = NEW.seq - 1;
    END IF;
    IF before IS NULL OR before <> NEW.prev THEN
        RAISE EXCEPTION 'andon: event % of incident % does not follow the chain', NEW.seq, NEW.incident
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER events_in_chain BEFORE INSERT ON andon.events
    FOR EACH ROW EXECUTE FUNCTION andon.check_chain();
"#,
    },
    Migration {
        version: 2,
        description: "presence: the consoles connected to each incident",
        // Not evidence: rows are refreshed while a console runs and removed
        // when it quits; who did what is in the events.
        sql: r#"
CREATE TABLE andon.presence (
    incident text NOT NULL REFERENCES andon.incidents (id),
    console text NOT NULL CHECK (length(console) BETWEEN 1 AND 200),
    process text NOT NULL,
    since timestamptz NOT NULL DEFAULT now(),
    seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (incident, console, process)
);
"#,
    },
];

/// The version this binary reads and writes.
pub fn current() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The database's schema version; 0 when andon's schema is not there.
pub async fn version(client: &Client) -> Result<i32, ShareError> {
    let row = client
        .query_one(
            "SELECT to_regclass('andon.schema_version') IS NOT NULL",
            &[],
        )
        .await?;
    if !row.try_get::<_, bool>(0)? {
        return Ok(0);
    }
    let row = client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM andon.schema_version",
            &[],
        )
        .await?;
    Ok(row.try_get(0)?)
}

/// An error unless the database's schema is this binary's.
pub async fn check(client: &Client) -> Result<(), ShareError> {
    let found = version(client).await?;
    let binary = current();
    if found == binary {
        Ok(())
    } else {
        Err(ShareError::Schema { found, binary })
    }
}

/// Applies the migrations the database lacks, in one transaction under a
/// lock (two `migrate` at once apply each once); returns those applied.
pub async fn migrate(client: &mut Client) -> Result<Vec<&'static Migration>, ShareError> {
    let tx = client.transaction().await?;
    // "andon" as a number: one lock for every migrator of this database.
    tx.execute("SELECT pg_advisory_xact_lock(6147817071)", &[])
        .await?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS andon;
         CREATE TABLE IF NOT EXISTS andon.schema_version (
             version integer PRIMARY KEY,
             description text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         );",
    )
    .await?;
    let row = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM andon.schema_version",
            &[],
        )
        .await?;
    let found: i32 = row.try_get(0)?;
    if found > current() {
        return Err(ShareError::Schema {
            found,
            binary: current(),
        });
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > found) {
        tx.batch_execute(m.sql).await?;
        tx.execute(
            "INSERT INTO andon.schema_version (version, description) VALUES ($1, $2)",
            &[&m.version, &m.description],
        )
        .await?;
        applied.push(m);
    }
    tx.commit().await?;
    Ok(applied)
}
