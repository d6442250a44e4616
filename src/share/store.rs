//! The database, behind a blocking handle: a thread of its own runs a
//! tokio runtime with the tokio-postgres connection ([`super::worker`]),
//! and each call sends it a job and waits for the answer (at most
//! [`ANSWER_WITHIN`]).

use super::ShareError;
use super::config::Target;
use super::worker::{Appended, Incident, Job, NewIncident, Presence, Reply, Signal, serve};
use crate::log::{Entry, Event};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;
use tokio::sync::mpsc;

/// How long a call waits for the database before it gives up.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// A connection to the database, usable from any thread, inside a tokio
/// runtime or not.
pub struct Store {
    jobs: mpsc::UnboundedSender<Job>,
    target: Target,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.target.describe())
    }
}

impl Store {
    /// Connects, and checks that the schema is this binary's.
    pub fn open(target: &Target) -> Result<Store, ShareError> {
        Store::start(target, true)
    }

    /// Connects without the schema check: for `andon db migrate`.
    pub fn open_for_migration(target: &Target) -> Result<Store, ShareError> {
        Store::start(target, false)
    }

    fn start(target: &Target, check: bool) -> Result<Store, ShareError> {
        let (jobs, inbox) = mpsc::unbounded_channel();
        let (ready, started) = std_mpsc::channel();
        let worker_target = target.clone();
        std::thread::Builder::new()
            .name("andon-db".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                match runtime {
                    Ok(rt) => rt.block_on(serve(worker_target, check, ready, inbox)),
                    Err(e) => {
                        let _ = ready.send(Err(ShareError::Db(e.to_string())));
                    }
                }
            })
            .map_err(|e| ShareError::Db(e.to_string()))?;
        // The connect timeout (5 s unless PGCONNECT_TIMEOUT) comes first.
        wait(&started, ANSWER_WITHIN * 3)?;
        Ok(Store {
            jobs,
            target: target.clone(),
        })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    fn call<T>(&self, job: impl FnOnce(Reply<T>) -> Job) -> Result<T, ShareError> {
        let (reply, answer) = std_mpsc::channel();
        self.jobs.send(job(reply)).map_err(|_| ShareError::Closed)?;
        wait(&answer, ANSWER_WITHIN)
    }

    /// Applies the migrations the database lacks; the versions applied.
    pub fn migrate(&self) -> Result<Vec<(i32, &'static str)>, ShareError> {
        self.call(Job::Migrate)
    }

    /// Every incident, the latest opened first.
    pub fn incidents(&self) -> Result<Vec<Incident>, ShareError> {
        self.call(Job::Incidents)
    }

    /// Creates a shared incident whose first event is `opened` (its
    /// `incident` field set to the id given); returns the id.
    pub fn create(&self, new: NewIncident, opened: Event) -> Result<String, ShareError> {
        self.call(|r| Job::Create(Box::new(new), Box::new(opened), r))
    }

    /// The events of `incident` after `seq` `after`, each with its line,
    /// checked to continue the chain.
    pub fn read(&self, incident: &str, after: u64) -> Result<Vec<(Entry, String)>, ShareError> {
        self.call(|r| Job::Read(incident.to_owned(), after, r))
    }

    /// Judges and, unless refused, records `event` in `incident`; returns
    /// the judgement and every event after `after`.
    pub fn append(
        &self,
        incident: &str,
        console: &str,
        event: &Event,
        after: u64,
    ) -> Result<Appended, ShareError> {
        self.call(|reply| Job::Append {
            incident: incident.to_owned(),
            console: console.to_owned(),
            event: Box::new(event.clone()),
            after,
            reply,
        })
    }

    /// Calls `listener` on every event committed to `incident` from now
    /// on, over a connection of its own (LISTEN); and once with
    /// [`Signal::Lost`] if that connection ends.
    pub fn follow(
        &self,
        incident: &str,
        listener: impl Fn(Signal) + Send + 'static,
    ) -> Result<(), ShareError> {
        self.call(|r| Job::Follow(incident.to_owned(), Box::new(listener), r))
    }
}

impl Store {
    /// Says `who` is on the incident (`here`) or has left; the other
    /// consoles seen there in the last 30 s, by name.
    pub fn presence(&self, who: &Presence, here: bool) -> Result<Vec<String>, ShareError> {
        self.call(|r| Job::Here(Box::new(who.clone()), here, r))
    }
}

fn wait<T>(
    answer: &std_mpsc::Receiver<Result<T, ShareError>>,
    within: Duration,
) -> Result<T, ShareError> {
    match answer.recv_timeout(within) {
        Ok(result) => result,
        Err(std_mpsc::RecvTimeoutError::Timeout) => Err(ShareError::Unreachable(format!(
            "no answer within {} s",
            within.as_secs()
        ))),
        Err(std_mpsc::RecvTimeoutError::Disconnected) => Err(ShareError::Closed),
    }
}
