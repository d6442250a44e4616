//! Which database: `--db URL`, else `ANDON_DATABASE_URL`, with libpq's
//! variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`,
//! `PGAPPNAME`, `PGCONNECT_TIMEOUT`) filling what the URL leaves out, as
//! libpq does. tokio-postgres reads none of them, so they are read here.
//!
//! The URL is a libpq connection string, `postgresql://user@host/db` or
//! `host=... dbname=...`; an empty one takes everything from `PG*`. A
//! password is never printed: [`Target::describe`] names the host, port,
//! database and user only.

use super::{ShareError, printable};
use std::time::Duration;
use tokio_postgres::config::Host;

/// A database to connect to, and how to name it in messages.
#[derive(Clone)]
pub struct Target {
    pub(super) config: tokio_postgres::Config,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The environment, as a function, so tests need not change the process's.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process's environment (non-UTF-8 values read as absent).
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl Target {
    /// The database named by `url` (from `--db`), else by
    /// `ANDON_DATABASE_URL`; `None` when neither is given (the console
    /// then works on its file alone). `--db ''` names the default
    /// database: `ANDON_DATABASE_URL`, else the `PG*` variables alone.
    pub fn from_flag(url: Option<&str>, env: Env) -> Result<Option<Target>, ShareError> {
        let url = match url {
            Some(u) if !u.trim().is_empty() => u.to_owned(),
            Some(_) => env("ANDON_DATABASE_URL").unwrap_or_default(),
            None => match env("ANDON_DATABASE_URL") {
                Some(u) => u,
                None => return Ok(None),
            },
        };
        Target::parse(&url, env).map(Some)
    }

    /// `url` with `PG*` filling what it leaves out.
    pub fn parse(url: &str, env: Env) -> Result<Target, ShareError> {
        let var = |name: &str| env(name).filter(|v| !v.is_empty());
        let mut url = url.trim().to_owned();
        // tokio-postgres gives a URL's host without a port 5432; libpq
        // takes PGPORT then, so it is written into the URL.
        if let Some(port) = var("PGPORT")
            && !url_names_a_port(&url)
        {
            url = with_port(&url, port.trim());
        }
        let mut config = if url.is_empty() {
            tokio_postgres::Config::new()
        } else {
            url.parse::<tokio_postgres::Config>()
                .map_err(|e| ShareError::Url(printable(&e.to_string())))?
        };
        if config.get_hosts().is_empty() {
            // libpq's default is the local socket; Debian's is here.
            let hosts = var("PGHOST").unwrap_or_else(|| "/var/run/postgresql".to_owned());
            for host in hosts.split(',') {
                config.host(host.trim());
            }
        }
        if config.get_ports().is_empty()
            && let Some(port) = var("PGPORT")
        {
            let port: u16 = port
                .trim()
                .parse()
                .map_err(|_| ShareError::Url(format!("PGPORT `{port}` is not a port number")))?;
            config.port(port);
        }
        if config.get_user().is_none() {
            match var("PGUSER")
                .or_else(|| var("USER"))
                .or_else(|| var("LOGNAME"))
            {
                Some(user) => config.user(user),
                None => {
                    return Err(ShareError::Url(
                        "no user: name one in the URL (`postgresql://USER@HOST/DB`) or in PGUSER"
                            .to_owned(),
                    ));
                }
            };
        }
        if config.get_password().is_none()
            && let Some(password) = var("PGPASSWORD")
        {
            config.password(password);
        }
        if config.get_dbname().is_none()
            && let Some(db) = var("PGDATABASE")
        {
            config.dbname(db);
        }
        if config.get_application_name().is_none() {
            config.application_name(var("PGAPPNAME").unwrap_or_else(|| "andon".to_owned()));
        }
        if config.get_connect_timeout().is_none() {
            let seconds = var("PGCONNECT_TIMEOUT")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .filter(|s| *s > 0)
                .unwrap_or(5);
            config.connect_timeout(Duration::from_secs(seconds));
        }
        Ok(Target { config })
    }

    /// `database andon on host /var/run/postgresql port 5432 as andon`,
    /// never the password.
    pub fn describe(&self) -> String {
        let c = &self.config;
        let hosts: Vec<String> = c
            .get_hosts()
            .iter()
            .map(|h| match h {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        let ports: Vec<String> = c.get_ports().iter().map(u16::to_string).collect();
        let user = c.get_user().unwrap_or("?");
        let db = c.get_dbname().unwrap_or(user);
        let mut out = format!("database `{db}` on `{}`", hosts.join(","));
        if !ports.is_empty() {
            out.push_str(&format!(" port {}", ports.join(",")));
        }
        out.push_str(&format!(" as `{user}`"));
        out
    }
}

/// A `postgresql://` URL with `:port` after each of its hosts; other
/// strings as they are.
fn with_port(url: &str, port: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, hosts) = match authority.rsplit_once('@') {
        Some((u, h)) => (format!("{u}@"), h),
        None => (String::new(), authority),
    };
    if hosts.is_empty() {
        return url.to_owned();
    }
    let hosts: Vec<String> = hosts.split(',').map(|h| format!("{h}:{port}")).collect();
    format!("{scheme}://{user}{}{tail}", hosts.join(","))
}

/// Whether a `postgresql://` URL gives a port itself (`host:5433`, `port=`).
fn url_names_a_port(url: &str) -> bool {
    if url.contains("port=") {
        return true;
    }
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    hosts.split(',').any(|h| {
        let h = h.rsplit_once(']').map_or(h, |(_, after)| after);
        h.rsplit_once(':')
            .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn pg_variables_fill_what_the_url_leaves_out() {
        let e = env(&[
            ("PGHOST", "db.plant"),
            ("PGPORT", "5433"),
            ("PGUSER", "shift"),
            ("PGPASSWORD", "secret"),
            ("PGDATABASE", "andon"),
        ]);
        let t = Target::parse("", &e).unwrap();
        assert_eq!(
            t.describe(),
            "database `andon` on `db.plant` port 5433 as `shift`"
        );
        assert_eq!(t.config.get_password(), Some(&b"secret"[..]));
        // The URL wins over the variables, field by field.
        let t = Target::parse("postgresql://soc@10.0.0.5/incidents", &e).unwrap();
        assert_eq!(
            t.describe(),
            "database `incidents` on `10.0.0.5` port 5433 as `soc`"
        );
        let t = Target::parse("postgresql://soc@10.0.0.5:6000/incidents", &e).unwrap();
        assert!(t.describe().contains("port 6000"), "{}", t.describe());
    }

    #[test]
    fn the_password_is_never_in_the_description() {
        let t = Target::parse("postgresql://soc:hunter2@host/db", &env(&[])).unwrap();
        assert!(!format!("{t:?}").contains("hunter2"));
        assert!(!t.describe().contains("hunter2"));
    }

    #[test]
    fn no_flag_and_no_variable_means_no_database() {
        assert!(Target::from_flag(None, &env(&[])).unwrap().is_none());
        let e = env(&[("ANDON_DATABASE_URL", "host=/tmp user=x dbname=y")]);
        let t = Target::from_flag(None, &e).unwrap().unwrap();
        assert_eq!(t.describe(), "database `y` on `/tmp` as `x`");
    }

    #[test]
    fn a_bad_url_or_port_is_a_clear_error() {
        let err = Target::parse("postgresql://[", &env(&[])).unwrap_err();
        assert!(err.to_string().contains("database URL"), "{err}");
        let err = Target::parse("", &env(&[("PGPORT", "x"), ("PGUSER", "u")])).unwrap_err();
        assert!(err.to_string().contains("PGPORT `x`"), "{err}");
    }
}
