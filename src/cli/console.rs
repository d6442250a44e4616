//! `andon console [RUNBOOK] [--log FILE] [--state S] [--at T]`: the live
//! incident console. Loads the runbook, opens a new decision log (refusing
//! one in use, with its holder), records `opened`, and runs the terminal
//! until the user quits. With `--db` (or ANDON_DATABASE_URL) the incident
//! is shared through PostgreSQL; `--join INCIDENT` opens one another
//! console started (docs/shared-incident.md).

use super::{RunbookArg, instant, load_runbook_showing, state};
use crate::engine::Engine;
use crate::load;
use crate::log::Holder;
use crate::log::sign::Signer;
use crate::share::{Store, Target};
use crate::tui::live::session::{DrillStart, LiveStart, Resumable, Session, check_free};
use crate::tui::live::shared::{Join, join_log_name};
use crate::tui::{self, Clock, ShiftedClock, SystemClock};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ConsoleArgs {
    /// Runbook file or directory [default: ./runbooks]
    #[arg(value_name = "RUNBOOK")]
    runbook_path: Option<PathBuf>,
    #[command(flatten)]
    runbook: RunbookArg,
    /// The decision log to create [default: incident-PLANT-YYYYmmddTHHMMSS.andonlog here]
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// The production state now [default: the runbook's default state]
    #[arg(long)]
    state: Option<String>,
    /// Rehearse as if it were this time (ISO 8601, plant-local without an
    /// offset); the clock runs on from there and the log says so [default: now]
    #[arg(long)]
    at: Option<String>,
    /// Continue the incident of this log after a dropped session or a crash:
    /// state, unavailable people, open decisions and their timers come back,
    /// and the console appends to the same log
    #[arg(long, value_name = "LOG", conflicts_with_all = ["log", "at", "state"])]
    resume: Option<PathBuf>,
    /// With --resume, when the log's last line is torn (a crash mid-write):
    /// keep the torn bytes in LOG.torn, cut the log back to its last whole
    /// line, record a `recovered` event, and go on
    #[arg(long, requires = "resume")]
    recover: bool,
    /// Share the incident with other consoles through this PostgreSQL
    /// database (a libpq URL; `''` takes ANDON_DATABASE_URL, else PGHOST,
    /// PGUSER...) [default: ANDON_DATABASE_URL when it is set]
    #[arg(long, value_name = "URL", conflicts_with = "resume")]
    db: Option<String>,
    /// Join this shared incident instead of starting one (`andon incidents`
    /// lists them): its state, open decisions and timers come from the database
    #[arg(long, value_name = "INCIDENT", conflicts_with_all = ["at", "state", "resume"])]
    join: Option<String>,
    /// This console's name, shown to the other consoles and stored with
    /// each event it records [default: USER@HOST]
    #[arg(long = "as", value_name = "NAME")]
    as_name: Option<String>,
    /// Sign the log's head with this private key (`andon log keygen`)
    /// after `closed` and every 20 events [default: ANDON_SIGN_KEY when set]
    #[arg(long, value_name = "FILE", conflicts_with_all = ["db", "join"])]
    sign_key: Option<PathBuf>,
}

/// The key to sign the log's head with: `flag`, else ANDON_SIGN_KEY (an
/// empty value is none). Read before the screen is taken, so that a
/// missing or open key file is said plainly.
fn signer(flag: Option<&Path>) -> Result<Option<Signer>> {
    let path = flag.map(Path::to_path_buf).or_else(|| {
        std::env::var_os("ANDON_SIGN_KEY")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    Ok(path.map(|p| Signer::read(&p)).transpose()?)
}

/// The log's head as it is on disk at the end, to write down.
fn say_head(path: &Path) {
    if let Ok(v) = crate::log::verify(path)
        && let Some((seq, hash)) = &v.head
    {
        eprintln!(
            "head: seq {seq}, hash {hash} (write it down; later: andon log verify --head {seq}:{hash} LOG)"
        );
    }
}

/// `--as`, or USER@HOST.
fn console_name(args: &ConsoleArgs, holder: &Holder) -> String {
    args.as_name.clone().unwrap_or_else(|| {
        let user = std::env::var("USER").unwrap_or_else(|_| "someone".to_owned());
        match &holder.host {
            Some(host) => format!("{user}@{host}"),
            None => user,
        }
    })
}

pub fn console(args: &ConsoleArgs) -> Result<ExitCode> {
    let arg = RunbookArg {
        path: args
            .runbook_path
            .clone()
            .or_else(|| args.runbook.path.clone()),
    };
    if let Some(path) = &args.resume {
        return resume(path, arg, args.recover, args.sign_key.as_deref());
    }
    let target = Target::from_flag(args.db.as_deref(), &crate::share::config::process_env)?;
    // A shared incident's chain is the database's: its consoles do not
    // sign (ANDON_SIGN_KEY is for a console's own log).
    let signer = match (&target, &args.join) {
        (None, None) => signer(args.sign_key.as_deref())?,
        _ if args.sign_key.is_some() => bail!(
            "`--sign-key` signs a console's own log; a shared incident (`--db`, ANDON_DATABASE_URL) is not signed: drop one of them"
        ),
        _ => None,
    };
    if let Some(incident) = &args.join {
        let Some(target) = target else {
            bail!("`--join` needs the database: give `--db URL` or set ANDON_DATABASE_URL");
        };
        return join(args, incident, &target, arg);
    }
    if target.is_some() && args.at.is_some() {
        bail!(
            "a rehearsal (`--at`) is not shared: its clock is not the other consoles'; drop `--db` (and unset ANDON_DATABASE_URL)"
        );
    }
    let runbook_path = arg
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from("runbooks"));
    // A log given by name is checked first, so that a second console on it
    // is told who holds it before the screen is taken over; it is created
    // only once the runbook has loaded, so a bad runbook leaves no file.
    let holder = Holder::this_process(chrono::Utc::now().fixed_offset());
    if let Some(p) = &args.log {
        check_free(p, &holder)?;
    }
    // Connected before the screen is taken, so that a database that is
    // down or not migrated is said plainly.
    let store = target.as_ref().map(Store::open).transpose()?;
    // The first frame comes before the runbook loads: a generated plant of
    // 100,000 identities takes seconds to read.
    let mut screen = tui::terminal::Terminal::start()?;
    let title = format!("loading runbook {} ...", runbook_path.display());
    let runbook = screen.loading(&title, |p| load_runbook_showing(&arg, p))??;
    let start_state = state(&runbook, args.state.as_deref())?.id.value.clone();
    let start = instant(&runbook, args.at.as_deref())?;
    let clock: Box<dyn Clock> = match args.at {
        Some(_) => Box::new(ShiftedClock::starting_at(start.to_utc())),
        None => Box::new(SystemClock),
    };
    let now = chrono::SubsecRound::trunc_subsecs(clock.now(), 3);
    let log_path = match &args.log {
        Some(p) => p.clone(),
        None => super::fresh_log_path(&format!(
            "incident-{}-{}",
            runbook.plant.id.value,
            now.with_timezone(&runbook.plant.timezone.value)
                .format("%Y%m%dT%H%M%S")
        )),
    };
    let hash = runbook.content_hash.clone();
    let engine = Engine::new(&runbook);
    let live = LiveStart {
        runbook: &runbook_path.display().to_string(),
        runbook_hash: &hash,
        log_path: &log_path,
        holder: &holder,
        state: start_state,
        now,
        rehearsal: args.at.is_some(),
    };
    let session = match store {
        Some(store) => Session::shared(&engine, &live, store, &console_name(args, &holder))?,
        None => Session::live(&engine, &live)?,
    };
    let Session {
        mut model,
        mut log,
        link,
    } = session;
    if let Some(signer) = signer {
        log.sign_with(signer);
    }
    tui::live::run::run(&mut model, log, link, clock.as_ref(), &mut screen)?;
    drop(screen);
    let open: Vec<&str> = model.open.iter().map(|d| d.id.as_str()).collect();
    eprintln!("decision log: {}", log_path.display());
    say_head(&log_path);
    if let Some(shared) = &model.shared {
        let id = &shared.incident;
        eprintln!("shared incident: {id} (andon log export --db URL {id})");
    }
    if !open.is_empty() {
        eprintln!("still open: {}", open.join(", "));
    }
    Ok(ended(&model))
}

/// Exit 0, or 1 with the reason when the log could not be written at the
/// end (`closed` is missing: `andon log verify` says so).
fn ended(model: &tui::live::model::Model) -> ExitCode {
    match &model.log_error {
        None => ExitCode::SUCCESS,
        Some(e) => {
            eprintln!(
                "error: the decision log could not be written at the end ({}); it has no `closed` event, and every step shown done before is in it",
                crate::model::visible(e)
            );
            ExitCode::from(1)
        }
    }
}

/// `andon drill SCENARIO`: the console in drill mode.
#[derive(clap::Args, Debug)]
pub struct DrillConsoleArgs {
    /// The scenario to play (`andon-scenario: 1`); it names its runbook
    #[arg(value_name = "SCENARIO", required = true)]
    scenario: Option<PathBuf>,
    /// Drill seconds per real second (1, 2, 5, 10, 30, 60 or 600; `+`/`-` change it)
    #[arg(long, default_value_t = 1)]
    speed: u32,
    /// Start with the drill clock stopped (`p` starts it, `n` jumps to the next inject)
    #[arg(long)]
    paused: bool,
    /// The decision log to create [default: SCENARIO-ID-YYYYmmddTHHMMSSZ.andonlog here]
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// Go on with the drill of LOG after a dropped session: where it left off, paused
    #[arg(long, value_name = "LOG", conflicts_with_all = ["log", "paused"])]
    resume: Option<PathBuf>,
    /// With --resume, when the log's last line is torn (a crash mid-write):
    /// keep the torn bytes in LOG.torn, cut the log back to its last whole
    /// line, record a `recovered` event, and go on
    #[arg(long, requires = "resume")]
    recover: bool,
    /// Sign the log's head with this private key (`andon log keygen`)
    /// after `closed` and every 20 events [default: ANDON_SIGN_KEY when set]
    #[arg(long, value_name = "FILE")]
    sign_key: Option<PathBuf>,
}

pub fn drill(args: &DrillConsoleArgs) -> Result<ExitCode> {
    let Some(path) = &args.scenario else {
        bail!("give a scenario: `andon drill SCENARIO`, or `andon drill check|run ...`");
    };
    let holder = Holder::this_process(chrono::Utc::now().fixed_offset());
    let signer = signer(args.sign_key.as_deref())?;
    // Opening a log to resume checks its chain and takes its lock first.
    let resumable = match &args.resume {
        Some(log) => Some(Resumable::open_drill(log, &holder, args.recover)?),
        None => None,
    };
    let (scenario, runbook) = load::load_scenario_with_runbook(path)?;
    let real = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 3);
    let hash = runbook.content_hash.clone();
    let engine = Engine::new(&runbook);
    if let (Some(resumable), Some(log_path)) = (resumable, &args.resume) {
        let Session { mut model, log, .. } =
            resumable.start_drill(&engine, &scenario, &hash, args.speed, real)?;
        return play_drill(&mut model, log, log_path, signer);
    }
    let log_path = args.log.clone().unwrap_or_else(|| {
        super::fresh_log_path(&format!(
            "{}-{}",
            scenario.id.value,
            real.format("%Y%m%dT%H%M%SZ")
        ))
    });
    let Session { mut model, log, .. } = Session::drill(
        &engine,
        &DrillStart {
            scenario: &scenario,
            runbook_hash: &hash,
            log_path: &log_path,
            holder: &holder,
            speed: args.speed,
            paused: args.paused,
            real,
        },
    )?;
    play_drill(&mut model, log, &log_path, signer)
}

/// Runs a drill session in the terminal, then writes its after-action report.
fn play_drill(
    model: &mut tui::live::model::Model,
    mut log: crate::log::Log,
    log_path: &Path,
    signer: Option<Signer>,
) -> Result<ExitCode> {
    if let Some(signer) = signer {
        log.sign_with(signer);
    }
    let mut screen = tui::terminal::Terminal::start()?;
    tui::live::run::run(model, log, None, &SystemClock, &mut screen)?;
    drop(screen);
    eprintln!("decision log: {}", log_path.display());
    say_head(log_path);
    if let Some(mode) = &model.drill {
        let finished = mode.drill.clone().finish();
        let report =
            crate::drill::AfterAction::new(&finished).exercised(chrono::Utc::now(), Some(log_path));
        let (md, json) = report.write_beside(log_path)?;
        eprintln!(
            "after-action report: {} and {}",
            md.display(),
            json.display()
        );
    }
    Ok(ended(model))
}

/// `andon console --resume LOG`: the incident of `LOG` continues, in it.
fn resume(
    path: &Path,
    arg: RunbookArg,
    recover: bool,
    sign_key: Option<&Path>,
) -> Result<ExitCode> {
    let holder = Holder::this_process(chrono::Utc::now().fixed_offset());
    let signer = signer(sign_key)?;
    // Opening for append checks the whole chain and the story, refuses a
    // torn last line unless `--recover`, and takes the lock (a console
    // still running on it is named).
    let resumable = Resumable::open(path, &holder, recover)?;
    let arg = RunbookArg {
        path: (arg.path).or_else(|| resumable.opened.runbook.as_ref().map(PathBuf::from)),
    };
    let runbook_path = arg
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from("runbooks"));
    let mut screen = tui::terminal::Terminal::start()?;
    let title = format!("loading runbook {} ...", runbook_path.display());
    let runbook = screen.loading(&title, |p| load_runbook_showing(&arg, p))??;
    let hash = runbook.content_hash.clone();
    let engine = Engine::new(&runbook);
    // A rehearsal's clock is simulated: it goes on from the log's last event.
    let clock: Box<dyn Clock> = match resumable.last_at().filter(|_| resumable.rehearsal()) {
        Some(last) => Box::new(ShiftedClock::starting_at(last.to_utc())),
        None => Box::new(SystemClock),
    };
    let now = chrono::SubsecRound::trunc_subsecs(clock.now(), 3);
    let rehearsal = resumable.rehearsal();
    let Session {
        mut model, mut log, ..
    } = resumable.start(&engine, &runbook_path.display().to_string(), &hash, now)?;
    if let Some(signer) = signer {
        log.sign_with(signer);
    }
    if rehearsal {
        model.say(
            "a rehearsal (--at) resumed: its simulated clock goes on from the log's last event",
            false,
        );
    }
    tui::live::run::run(&mut model, log, None, clock.as_ref(), &mut screen)?;
    drop(screen);
    eprintln!("decision log: {}", path.display());
    say_head(path);
    Ok(ended(&model))
}

/// `andon console --join INCIDENT`: the shared incident, from its events,
/// in a new local log that copies them.
fn join(args: &ConsoleArgs, incident: &str, target: &Target, arg: RunbookArg) -> Result<ExitCode> {
    let holder = Holder::this_process(chrono::Utc::now().fixed_offset());
    let store = Store::open(target)?;
    // The runbook the incident was opened with, unless one is given.
    let first = store.read(incident, 0)?;
    let opened_with = first.first().and_then(|(e, _)| match &e.event.body {
        crate::log::Body::Opened(o) => o.runbook.clone(),
        _ => None,
    });
    let arg = RunbookArg {
        path: (arg.path).or_else(|| opened_with.map(PathBuf::from)),
    };
    let runbook_path = arg
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from("runbooks"));
    let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 3);
    let log_path = args
        .log
        .clone()
        .unwrap_or_else(|| PathBuf::from(join_log_name(incident, now)));
    check_free(&log_path, &holder)?;
    let mut screen = tui::terminal::Terminal::start()?;
    let title = format!("loading runbook {} ...", runbook_path.display());
    let runbook = screen.loading(&title, |p| load_runbook_showing(&arg, p))??;
    let hash = runbook.content_hash.clone();
    let engine = Engine::new(&runbook);
    let Session {
        mut model,
        log,
        link,
    } = Session::join(
        &engine,
        &Join {
            incident,
            runbook: &runbook_path.display().to_string(),
            runbook_hash: &hash,
            log_path: &log_path,
            holder: &holder,
            now,
        },
        store,
        &console_name(args, &holder),
    )?;
    tui::live::run::run(&mut model, log, link, &SystemClock, &mut screen)?;
    drop(screen);
    eprintln!("decision log: {}", log_path.display());
    say_head(&log_path);
    eprintln!("shared incident: {incident}");
    Ok(ExitCode::SUCCESS)
}
