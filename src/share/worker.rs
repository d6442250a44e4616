//! The database's side of the blocking `Store`: the jobs it is sent,
//! run on its own thread's runtime over one tokio-postgres connection (and
//! one more per followed incident, for LISTEN), and what they answer.
//!
//! Appends follow the module's rules: one transaction, an advisory lock on
//! the incident, what the appender has not seen read under it and the new
//! event judged against it, the line sealed after the head, `NOTIFY` with
//! only `INCIDENT SEQ`, then commit.

use super::chain::{Chain, Judged};
use super::config::Target;
use super::{ShareError, printable, schema};
use crate::log::event::{Body, Mode};
use crate::log::{Entry, Event};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::mpsc as std_mpsc;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, Client, GenericClient, NoTls};

/// The channel every appender notifies and every console listens on.
const CHANNEL: &str = "andon_events";

/// One incident, as `andon incidents` lists it.
#[derive(Debug, Clone)]
pub struct Incident {
    pub id: String,
    pub plant: String,
    pub timezone: String,
    pub mode: String,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub events: u64,
    pub last_at: Option<DateTime<Utc>>,
    /// The production state after the last event.
    pub state: Option<String>,
    /// The open decisions after the last event.
    pub open: Vec<String>,
    /// The kind of the last event (`closed` once a console closed last).
    pub last_kind: Option<String>,
}

/// A shared incident to create.
#[derive(Debug, Clone)]
pub struct NewIncident {
    /// The id wanted; `-2`, `-3`... is added when it is taken.
    pub id: String,
    pub plant: String,
    pub timezone: String,
    pub mode: Mode,
    pub runbook_hash: String,
    /// Who creates it (the console's name).
    pub console: String,
}

/// The answer to an append.
#[derive(Debug, Clone)]
pub struct Appended {
    pub judged: Judged,
    /// The `seq` the event got, when it was recorded.
    pub seq: Option<u64>,
    /// Every event after the caller's last, its own included, with its line.
    pub fresh: Vec<(Entry, String)>,
}

/// What a follower hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Event `seq` of the followed incident was committed.
    Event(u64),
    /// The listening connection ended.
    Lost(String),
}

pub(super) type Reply<T> = std_mpsc::Sender<Result<T, ShareError>>;
pub(super) type Listener = Box<dyn Fn(Signal) + Send>;

pub(super) enum Job {
    Migrate(Reply<Vec<(i32, &'static str)>>),
    Incidents(Reply<Vec<Incident>>),
    Create(Box<NewIncident>, Box<Event>, Reply<String>),
    Read(String, u64, Reply<Vec<(Entry, String)>>),
    Append {
        incident: String,
        console: String,
        event: Box<Event>,
        after: u64,
        reply: Reply<Appended>,
    },
    Follow(String, Listener, Reply<()>),
    Here(Box<Presence>, bool, Reply<Vec<String>>),
}

/// A console on an incident, for the presence list.
#[derive(Debug, Clone)]
pub struct Presence {
    pub incident: String,
    pub console: String,
    /// `PID on HOST`: two consoles may have one name.
    pub process: String,
}

/// How long a console stays listed without refreshing its presence.
const PRESENT_FOR_S: f64 = 30.0;

async fn connect(target: &Target) -> Result<Client, ShareError> {
    let (client, connection) =
        target
            .config
            .connect(NoTls)
            .await
            .map_err(|e| ShareError::Connect {
                target: target.describe(),
                cause: super::cause(&e),
            })?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

pub(super) async fn serve(
    target: Target,
    check: bool,
    ready: std_mpsc::Sender<Result<(), ShareError>>,
    mut inbox: mpsc::UnboundedReceiver<Job>,
) {
    let client = match connect(&target).await {
        Ok(c) => c,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    if check && let Err(e) = schema::check(&client).await {
        let _ = ready.send(Err(e));
        return;
    }
    if ready.send(Ok(())).is_err() {
        return;
    }
    let mut worker = Worker {
        client,
        target,
        chains: HashMap::new(),
        listeners: Vec::new(),
    };
    while let Some(job) = inbox.recv().await {
        worker.run(job).await;
    }
}

struct Worker {
    client: Client,
    target: Target,
    /// What was read of each incident.
    chains: HashMap<String, Chain>,
    /// The listening connections, kept open.
    listeners: Vec<Client>,
}

impl Worker {
    async fn run(&mut self, job: Job) {
        match job {
            Job::Migrate(reply) => {
                let result = schema::migrate(&mut self.client).await.map(|applied| {
                    applied
                        .into_iter()
                        .map(|m| (m.version, m.description))
                        .collect()
                });
                let _ = reply.send(result);
            }
            Job::Incidents(reply) => {
                let _ = reply.send(self.incidents().await);
            }
            Job::Create(new, opened, reply) => {
                let _ = reply.send(self.create(&new, *opened).await);
            }
            Job::Read(incident, after, reply) => {
                let _ = reply.send(self.read(&incident, after).await);
            }
            Job::Append {
                incident,
                console,
                event,
                after,
                reply,
            } => {
                let _ = reply.send(self.append(&incident, &console, &event, after).await);
            }
            Job::Follow(incident, listener, reply) => {
                let _ = reply.send(self.follow(incident, listener).await);
            }
            Job::Here(who, here, reply) => {
                let _ = reply.send(self.presence(&who, here).await);
            }
        }
    }

    async fn incidents(&mut self) -> Result<Vec<Incident>, ShareError> {
        let rows = self
            .client
            .query(
                "SELECT id, plant, timezone, mode, opened_at, opened_by FROM andon.incidents
                 ORDER BY opened_at DESC, id",
                &[],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.try_get(0)?;
            self.read(&id, 0).await?;
            let chain = self.chains.get(&id);
            let moment = chain.map(|c| &c.moment);
            out.push(Incident {
                plant: row.try_get(1)?,
                timezone: row.try_get(2)?,
                mode: row.try_get(3)?,
                opened_at: row.try_get(4)?,
                opened_by: row.try_get(5)?,
                events: chain.map_or(0, Chain::head_seq),
                last_at: chain
                    .and_then(|c| c.entries.last())
                    .map(|e| e.event.at.to_utc()),
                state: moment.and_then(|m| m.state.clone()),
                open: moment.map_or(Vec::new(), |m| {
                    m.open.iter().map(|o| o.id.clone()).collect()
                }),
                last_kind: chain
                    .and_then(|c| c.entries.last())
                    .map(|e| e.event.kind().as_str().to_owned()),
                id,
            });
        }
        Ok(out)
    }

    async fn create(&mut self, new: &NewIncident, mut opened: Event) -> Result<String, ShareError> {
        let tx = self.client.transaction().await?;
        let mut id = None;
        for n in 1..=99 {
            let candidate = if n == 1 {
                new.id.clone()
            } else {
                format!("{}-{n}", new.id)
            };
            let row = tx
                .query_opt(
                    "INSERT INTO andon.incidents (id, plant, timezone, mode, runbook_hash, opened_at, opened_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id",
                    &[
                        &candidate,
                        &new.plant,
                        &new.timezone,
                        &new.mode.as_str(),
                        &new.runbook_hash,
                        &opened.at.to_utc(),
                        &new.console,
                    ],
                )
                .await?;
            if row.is_some() {
                id = Some(candidate);
                break;
            }
        }
        let Some(id) = id else {
            return Err(ShareError::Db(format!(
                "incident ids `{}` to `{}-99` are all taken",
                new.id, new.id
            )));
        };
        if let Body::Opened(o) = &mut opened.body {
            o.incident = Some(id.clone());
        }
        lock(&tx, &id).await?;
        let chain = Chain::new(&id);
        let line = insert(&tx, &chain, &opened, &new.console).await?;
        tx.commit().await?;
        let mut chain = chain;
        chain.extend(vec![line])?;
        self.chains.insert(id.clone(), chain);
        Ok(id)
    }

    async fn read(
        &mut self,
        incident: &str,
        after: u64,
    ) -> Result<Vec<(Entry, String)>, ShareError> {
        let chain = (self.chains)
            .entry(incident.to_owned())
            .or_insert_with(|| Chain::new(incident));
        catch_up(&self.client, chain).await?;
        if chain.entries.is_empty() {
            return Err(ShareError::NoIncident(printable(incident)));
        }
        Ok(fresh(chain, after))
    }

    async fn append(
        &mut self,
        incident: &str,
        console: &str,
        event: &Event,
        after: u64,
    ) -> Result<Appended, ShareError> {
        let chain = (self.chains)
            .entry(incident.to_owned())
            .or_insert_with(|| Chain::new(incident));
        let tx = self.client.transaction().await?;
        lock(&tx, incident).await?;
        catch_up(&tx, chain).await?;
        if chain.entries.is_empty() {
            return Err(ShareError::NoIncident(printable(incident)));
        }
        let judged = chain.judge(event, after);
        let seq = match &judged {
            Judged::Append(e) | Judged::Renumbered { event: e, .. } => {
                let line = insert(&tx, chain, e, console).await?;
                tx.commit().await?;
                chain.extend(vec![line])?;
                Some(chain.head_seq())
            }
            // Nothing written: the transaction rolls back as it drops.
            Judged::AlreadyDone | Judged::Refused(_) => None,
        };
        Ok(Appended {
            judged,
            seq,
            fresh: fresh(chain, after),
        })
    }

    async fn presence(&mut self, who: &Presence, here: bool) -> Result<Vec<String>, ShareError> {
        let key: [&(dyn tokio_postgres::types::ToSql + Sync); 3] =
            [&who.incident, &who.console, &who.process];
        if here {
            self.client
                .execute(
                    "INSERT INTO andon.presence (incident, console, process) VALUES ($1, $2, $3)
                     ON CONFLICT (incident, console, process) DO UPDATE SET seen_at = now()",
                    &key,
                )
                .await?;
        } else {
            self.client
                .execute(
                    "DELETE FROM andon.presence WHERE incident = $1 AND console = $2 AND process = $3",
                    &key,
                )
                .await?;
        }
        let rows = self
            .client
            .query(
                "SELECT DISTINCT console FROM andon.presence
                 WHERE incident = $1 AND seen_at > now() - make_interval(secs => $4)
                   AND NOT (console = $2 AND process = $3)
                 ORDER BY console",
                &[&who.incident, &who.console, &who.process, &PRESENT_FOR_S],
            )
            .await?;
        rows.iter()
            .map(|r| Ok(printable(&r.try_get::<_, String>(0)?)))
            .collect()
    }

    async fn follow(&mut self, incident: String, listener: Listener) -> Result<(), ShareError> {
        let (client, mut connection) =
            self.target
                .config
                .connect(NoTls)
                .await
                .map_err(|e| ShareError::Connect {
                    target: self.target.describe(),
                    cause: super::cause(&e),
                })?;
        tokio::spawn(async move {
            let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                match message {
                    Ok(AsyncMessage::Notification(n)) if n.channel() == CHANNEL => {
                        if let Some((id, seq)) = n.payload().rsplit_once(' ')
                            && id == incident
                            && let Ok(seq) = seq.parse()
                        {
                            listener(Signal::Event(seq));
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        listener(Signal::Lost(printable(&e.to_string())));
                        return;
                    }
                }
            }
            listener(Signal::Lost("the connection closed".to_owned()));
        });
        client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
        self.listeners.push(client);
        Ok(())
    }
}

/// Every entry of `chain` after `after`, with its line.
fn fresh(chain: &Chain, after: u64) -> Vec<(Entry, String)> {
    (chain.entries.iter().zip(&chain.lines))
        .filter(|(e, _)| e.seq > after)
        .map(|(e, l)| (e.clone(), l.clone()))
        .collect()
}

/// The transaction's lock on `incident`: one appender at a time.
async fn lock(tx: &impl GenericClient, incident: &str) -> Result<(), ShareError> {
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        &[&incident],
    )
    .await?;
    Ok(())
}

/// Reads into `chain` the events after its head.
async fn catch_up(client: &impl GenericClient, chain: &mut Chain) -> Result<(), ShareError> {
    let head = i64::try_from(chain.head_seq()).unwrap_or(i64::MAX);
    let rows = client
        .query(
            "SELECT line FROM andon.events WHERE incident = $1 AND seq > $2 ORDER BY seq",
            &[&chain.incident, &head],
        )
        .await?;
    let lines = (rows.iter())
        .map(|r| r.try_get::<_, String>(0))
        .collect::<Result<Vec<String>, _>>()?;
    chain.extend(lines)?;
    Ok(())
}

/// Inserts `event` after `chain`'s head and notifies at commit; its line.
async fn insert(
    tx: &impl GenericClient,
    chain: &Chain,
    event: &Event,
    console: &str,
) -> Result<String, ShareError> {
    let seq = chain.head_seq() + 1;
    let prev = chain.head_hash().to_owned();
    let (line, hash) = crate::log::seal(seq, event, &prev);
    let seq_i = i64::try_from(seq).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT INTO andon.events (incident, seq, at, kind, decision, line, prev, hash, console)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &chain.incident,
            &seq_i,
            &event.at.to_utc(),
            &event.kind().as_str(),
            &event.decision(),
            &line,
            &prev,
            &hash,
            &console,
        ],
    )
    .await?;
    // Delivered at commit, in commit order; only the incident and seq.
    let payload = format!("{} {seq}", chain.incident);
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
        .await?;
    Ok(line)
}
