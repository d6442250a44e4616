//! Desktop notifications for escalations: when a level's time runs out the
//! console rings the bell and asks the desktop (over D-Bus, through
//! notify-rust) to show a critical notification, so that someone looking at
//! another window still sees it.
//!
//! A notification is a courtesy, never a step of the incident: the console
//! must neither wait on it nor fail because of it. That is why notify-rust's
//! blocking `show()` is never called here: it waits on the notification
//! daemon with no time limit, and a daemon that hangs (frozen, swapped out,
//! stopped by a debugger) would freeze the console's event loop with it.
//! [`send`] uses `show_async` under [`tokio::time::timeout`] instead, and
//! [`spawn`] runs it on its own task and reports the outcome through a
//! channel. With no D-Bus session at all (a plant terminal, SSH to a jump
//! host) it says so at once without trying to connect.
//!
//! Both need a tokio runtime with its time driver enabled (the console's
//! current-thread runtime built with `enable_all`).

use notify_rust::{Notification, Urgency};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// The environment variable that names the D-Bus session bus.
const SESSION_BUS: &str = "DBUS_SESSION_BUS_ADDRESS";

/// How long [`spawn`] lets the notification daemon take to answer.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(3);

/// What became of one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The notification daemon accepted it.
    Delivered,
    /// Notifications cannot be shown here; why, in a few words
    /// ("no D-Bus session").
    Off(String),
    /// The notification daemon did not answer within this time.
    TimedOut(Duration),
}

impl Delivery {
    /// Why notifications are not getting through, for the console's one-time
    /// line "desktop notifications are off: REASON"; `None` when delivered.
    pub fn off_reason(&self) -> Option<String> {
        match self {
            Delivery::Delivered => None,
            Delivery::Off(reason) => Some(reason.clone()),
            Delivery::TimedOut(limit) => Some(format!(
                "the notification daemon did not answer within {}",
                seconds(*limit)
            )),
        }
    }
}

impl fmt::Display for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.off_reason() {
            None => write!(f, "delivered"),
            Some(reason) => write!(f, "off: {reason}"),
        }
    }
}

/// Sends a critical notification from "andon" and waits at most `timeout`
/// for the notification daemon to accept it. Never blocks the thread and
/// never panics; every failure is a [`Delivery`].
pub async fn send(summary: &str, body: &str, timeout: Duration) -> Delivery {
    let address = std::env::var_os(SESSION_BUS);
    send_on(address.as_deref(), summary, body, timeout).await
}

/// Why desktop notifications cannot work here, known without trying (no
/// session bus, or an address that is surely wrong): the console says so
/// once at start. `None` does not promise delivery.
pub fn off_at_start() -> Option<String> {
    unusable(std::env::var_os(SESSION_BUS).as_deref()).and_then(|d| d.off_reason())
}

/// Sends on a task of its own (at most [`SEND_TIMEOUT`]) and reports the
/// outcome on `tx`; a closed channel (the console quit) is not an error.
/// Must be called from within the console's tokio runtime.
pub fn spawn(summary: String, body: String, tx: UnboundedSender<Delivery>) {
    spawn_on(std::env::var_os(SESSION_BUS), summary, body, tx);
}

/// [`spawn`] with the session bus address passed in.
fn spawn_on(
    address: Option<OsString>,
    summary: String,
    body: String,
    tx: UnboundedSender<Delivery>,
) {
    tokio::spawn(async move {
        let delivery = send_on(address.as_deref(), &summary, &body, SEND_TIMEOUT).await;
        // Nobody listens any more once the console has quit: nothing to do.
        let _ = tx.send(delivery);
    });
}

/// [`send`] with the session bus address passed in, so that the cases
/// decided before connecting are tested without touching the environment.
async fn send_on(
    address: Option<&OsStr>,
    summary: &str,
    body: &str,
    timeout: Duration,
) -> Delivery {
    if let Some(off) = unusable(address) {
        return off;
    }
    let notification = Notification::new()
        .appname("andon")
        .summary(summary)
        .body(body)
        // Critical: the daemon keeps it on screen until someone dismisses it.
        .urgency(Urgency::Critical)
        .finalize();
    within(timeout, async move {
        // The handle only keeps the connection open for actions, which the
        // console does not use: dropping it closes the connection.
        notification.show_async().await.map(drop)
    })
    .await
}

/// The outcome of a send that may not take longer than `timeout`.
async fn within<E: fmt::Display>(
    timeout: Duration,
    show: impl Future<Output = Result<(), E>>,
) -> Delivery {
    match tokio::time::timeout(timeout, show).await {
        Ok(Ok(())) => Delivery::Delivered,
        Ok(Err(e)) => Delivery::Off(reason(&e.to_string())),
        Err(_elapsed) => Delivery::TimedOut(timeout),
    }
}

/// Why a session bus address cannot be used, before trying to connect to it.
/// Only what is surely wrong is refused; the rest is left to the D-Bus
/// library, whose errors [`reason`] puts in words.
fn unusable(address: Option<&OsStr>) -> Option<Delivery> {
    let off = |why: &str| Some(Delivery::Off(why.to_owned()));
    let Some(address) = address.filter(|a| !a.is_empty()) else {
        return off("no D-Bus session");
    };
    let Some(address) = address.to_str() else {
        return off("the D-Bus session address is not valid text");
    };
    // Every address is `transport:key=value,...`, several separated by `;`.
    let transport = |entry: &str| {
        entry
            .split_once(':')
            .is_some_and(|(t, _)| !t.is_empty() && !t.contains(['=', ',']))
    };
    if !address.split(';').filter(|e| !e.is_empty()).any(transport) {
        return off("the D-Bus session address is not a D-Bus address");
    }
    None
}

/// A D-Bus or notify-rust error message, in the words of the console.
fn reason(error: &str) -> String {
    let has = |s: &str| error.contains(s);
    if has("ServiceUnknown") || has("NameHasNoOwner") {
        "no notification daemon on the D-Bus session".to_owned()
    } else if has("Spawn.Child") || has("Spawn.Exec") {
        "the notification daemon could not start (no display?)".to_owned()
    } else if has("No such file or directory") || has("Connection refused") {
        "no D-Bus session at the address in `DBUS_SESSION_BUS_ADDRESS`".to_owned()
    } else {
        let words: Vec<&str> = error.split_whitespace().collect();
        format!("the D-Bus call failed ({})", words.join(" "))
    }
}

/// `3 s`, `1.5 s`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime builds")
    }

    fn send_with(address: Option<&str>) -> Delivery {
        let address = address.map(OsString::from);
        runtime().block_on(send_on(
            address.as_deref(),
            "andon: level 2 for vendor-acme-remote",
            "disconnect: call dana",
            Duration::from_secs(3),
        ))
    }

    #[test]
    fn no_session_bus_is_off_without_connecting() {
        assert_eq!(send_with(None), Delivery::Off("no D-Bus session".into()));
        assert_eq!(
            send_with(Some("")),
            Delivery::Off("no D-Bus session".into())
        );
    }

    #[test]
    fn a_garbage_session_bus_address_is_off_without_connecting() {
        for garbage in ["garbage", "=:x", ";;", "unix", ",path:/tmp"] {
            let delivery = send_with(Some(garbage));
            assert_eq!(
                delivery,
                Delivery::Off("the D-Bus session address is not a D-Bus address".into()),
                "{garbage}"
            );
        }
    }

    #[test]
    fn real_addresses_are_left_to_the_d_bus_library() {
        for address in [
            "unix:path=/run/user/1000/bus",
            "unix:abstract=/tmp/dbus-x,guid=0123",
            "tcp:host=localhost,port=1;unix:path=/x",
            "unix:path=/tmp/bus;",
        ] {
            assert_eq!(unusable(Some(OsStr::new(address))), None, "{address}");
        }
    }

    #[test]
    fn a_daemon_that_never_answers_times_out() {
        let never = std::future::pending::<Result<(), String>>();
        let limit = Duration::from_millis(20);
        let delivery = runtime().block_on(within(limit, never));
        assert_eq!(delivery, Delivery::TimedOut(limit));
        assert_eq!(
            delivery.off_reason().as_deref(),
            Some("the notification daemon did not answer within 0.02 s")
        );
    }

    #[test]
    fn errors_are_put_in_words() {
        let fail = |e: &str| runtime().block_on(within(SEND_TIMEOUT, async { Err(e.to_owned()) }));
        assert_eq!(
            fail("org.freedesktop.DBus.Error.ServiceUnknown: The name is not activatable"),
            Delivery::Off("no notification daemon on the D-Bus session".into())
        );
        assert_eq!(
            fail("org.freedesktop.DBus.Error.Spawn.ChildSignaled: dunst was killed"),
            Delivery::Off("the notification daemon could not start (no display?)".into())
        );
        assert_eq!(
            fail("I/O error: No such file or directory (os error 2)"),
            Delivery::Off("no D-Bus session at the address in `DBUS_SESSION_BUS_ADDRESS`".into())
        );
        assert_eq!(
            fail("something\nelse\n"),
            Delivery::Off("the D-Bus call failed (something else)".into())
        );
        let ok = runtime().block_on(within(SEND_TIMEOUT, async { Ok::<(), String>(()) }));
        assert_eq!(ok, Delivery::Delivered);
        assert_eq!(ok.off_reason(), None);
        assert_eq!(ok.to_string(), "delivered");
    }

    #[test]
    fn spawn_reports_through_the_channel_even_after_the_console_quit() {
        runtime().block_on(async {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            spawn_on(None, "andon: test".into(), "spawned".into(), tx.clone());
            let delivery = rx.recv().await.expect("an outcome is reported");
            assert_eq!(delivery, Delivery::Off("no D-Bus session".into()));
            assert_eq!(delivery.to_string(), "off: no D-Bus session");
            drop(rx);
            spawn_on(None, "andon: test".into(), "nobody listens".into(), tx);
            tokio::task::yield_now().await;
        });
    }
}
