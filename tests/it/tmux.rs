//! A terminal program as a person uses it: the real binary in a tmux pane
//! at 80x24, keys sent with `send-keys`, the screen read with
//! `capture-pane`. Each pane has its own tmux server (`-L`), so tests run
//! side by side. Needs tmux (`.ci/run` installs it).

use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Pane {
    socket: String,
}

impl Pane {
    /// Runs `andon ARGS` in a new pane, with no desktop session and
    /// `NO_COLOR`; the pane stays after the program ends, to read what it
    /// left. `name` keeps the servers of concurrent tests apart.
    pub fn andon(name: &str, args: &str) -> Pane {
        let pane = Pane {
            socket: format!("andon-test-{}-{name}", std::process::id()),
        };
        let command = format!(
            "exec env -u DBUS_SESSION_BUS_ADDRESS NO_COLOR=1 ANDON_CACHE_DIR=off {} {args}",
            env!("CARGO_BIN_EXE_andon"),
        );
        // The pane must outlive a program that ends at once (bad input):
        // start it idle, keep it on exit, then run the program in it.
        let idle = [
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            "-s",
            "t",
            "sleep 600",
        ];
        pane.tmux(&idle);
        pane.tmux(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        pane.tmux(&["respawn-pane", "-k", "-t", "t", &command]);
        pane
    }

    /// Runs `script` in `sh` in a new pane (as [`Pane::andon`], the pane
    /// kept after the script ends), with `$ANDON` the binary under test:
    /// to see what the terminal is like after andon has ended.
    pub fn shell(name: &str, script: &str) -> Pane {
        let pane = Pane {
            socket: format!("andon-test-{}-{name}", std::process::id()),
        };
        let command = format!(
            "exec env -u DBUS_SESSION_BUS_ADDRESS NO_COLOR=1 ANDON_CACHE_DIR=off ANDON={} sh -c '{script}'",
            env!("CARGO_BIN_EXE_andon"),
        );
        let idle = [
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            "-s",
            "t",
            "sleep 600",
        ];
        pane.tmux(&idle);
        pane.tmux(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        pane.tmux(&["respawn-pane", "-k", "-t", "t", &command]);
        pane
    }

    pub fn tmux(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is installed (apt-get install tmux)");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Sends keys, in `tmux send-keys` names (`Enter`, `Escape`, `C-c`, text).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    /// A tmux format of the pane, such as `#{pane_dead}`.
    pub fn format(&self, what: &str) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", "t", what]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Waits until the screen shows `text` (a slow machine gets 20 s).
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the screen never showed {text:?}; it shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the program has ended.
    pub fn wait_exit(&self) {
        let start = Instant::now();
        while self.format("#{pane_dead}") != "1" {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the program did not exit; it shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}
