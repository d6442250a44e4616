//! `Andon::new().runbook(...).args([...]).run()`: runs the real binary.

use std::path::{Path, PathBuf};
use std::process::Output;

pub struct Andon {
    args: Vec<String>,
    runbook: Option<PathBuf>,
    cwd: Option<PathBuf>,
    _dir: Option<tempfile::TempDir>,
    env: Vec<(String, std::ffi::OsString)>,
}

/// The project root: fixtures and shipped runbooks are found from here.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn shipped() -> PathBuf {
    root().join("runbooks/lyon-packaging")
}

/// Copies the runbook directory `from` into `to`, subdirectories (such as
/// the generated `imported/`) included.
pub fn copy_runbook(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("read the runbook") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name");
        if path.is_dir() {
            copy_runbook(&path, &to.join(name));
        } else {
            std::fs::copy(&path, to.join(name)).expect("copy");
        }
    }
}

impl Andon {
    pub fn new() -> Andon {
        Andon {
            args: Vec::new(),
            runbook: None,
            cwd: None,
            _dir: None,
            env: Vec::new(),
        }
    }

    /// Uses the runbook at `path` (relative to the project root).
    pub fn runbook(mut self, path: impl AsRef<Path>) -> Andon {
        self.runbook = Some(root().join(path));
        self
    }

    /// Writes `files` (name, text) into a temporary directory and uses it as the runbook.
    pub fn files(mut self, files: &[(&str, &str)]) -> Andon {
        let dir = tempfile::tempdir().expect("temporary directory");
        for (name, text) in files {
            let path = dir.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create fixture directory");
            }
            std::fs::write(path, text).expect("write fixture");
        }
        self.runbook = Some(dir.path().to_path_buf());
        self._dir = Some(dir);
        self
    }

    /// Writes `files` into a temporary directory and runs there, without
    /// `--runbook`: for `andon lint`, which takes paths (relative ones, so its
    /// output does not name the temporary directory).
    pub fn workdir(self, files: &[(&str, &str)]) -> Andon {
        let mut andon = self.files(files);
        andon.cwd = andon.runbook.take();
        andon
    }

    /// Runs from `dir` without `--runbook`, as a user in a plant's repository would.
    pub fn in_dir(mut self, dir: &Path) -> Andon {
        self.cwd = Some(dir.to_path_buf());
        self
    }

    /// Sets an environment variable for the run (after the harness's own).
    pub fn env(mut self, name: &str, value: impl AsRef<std::ffi::OsStr>) -> Andon {
        self.env
            .push((name.to_owned(), value.as_ref().to_os_string()));
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Andon {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn run(self) -> Run {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_andon"));
        cmd.args(&self.args);
        if let Some(rb) = &self.runbook {
            cmd.arg("--runbook").arg(rb);
        }
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        cmd.env("NO_COLOR", "1");
        // Tests never write into the user's cache: off unless a test sets it.
        cmd.env("ANDON_CACHE_DIR", "off");
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        let output = cmd.output().expect("run andon");
        Run {
            output,
            dir: self.runbook.clone(),
        }
    }
}

pub struct Run {
    pub output: Output,
    dir: Option<PathBuf>,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Standard error with the temporary runbook directory shown as `RB`.
    pub fn stderr(&self) -> String {
        let text = String::from_utf8_lossy(&self.output.stderr).into_owned();
        match &self.dir {
            Some(dir) => text.replace(&dir.display().to_string(), "RB"),
            None => text,
        }
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(
            self.code(),
            0,
            "exit code; stderr:\n{}\nstdout:\n{}",
            self.stderr(),
            self.stdout()
        );
        self
    }

    #[track_caller]
    pub fn fails(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "exit code; stderr:\n{}\nstdout:\n{}",
            self.stderr(),
            self.stdout()
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(self, needle: &str) -> Run {
        assert!(
            self.stdout().contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout()
        );
        self
    }

    #[track_caller]
    pub fn stdout_lacks(self, needle: &str) -> Run {
        assert!(
            !self.stdout().contains(needle),
            "stdout has {needle:?}:\n{}",
            self.stdout()
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Run {
        assert!(
            self.stderr().contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr()
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout()))
    }
}

/// The smallest valid runbook: version, plant, one state.
pub const MINIMAL: &str = "andon: 1
plant: { id: test-plant, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
";

/// A runbook header with three states; the rest must define `line3`,
/// `shift-lead` and `dana`.: version, plant, states.
pub const HEADER: &str = "andon: 1
plant: { id: test-plant, name: Test plant, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
  - { id: maintenance, lockout: [line3] }
  - { id: emergency, emergency: true, declare: [{ role: shift-lead, after: 5m }, { person: dana }] }
";

/// Whether `program` is on the PATH.
pub fn installed(program: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Prints the HTML `page` to an A4 PDF in headless Chromium (no script)
/// and returns the PDF's text read by `pdftotext`, whitespace collapsed
/// (table cells wrap). `None`, with the reason printed, when either tool
/// is absent; a PDF that is not written, or not A4, fails the test.
pub fn printed_pdf_text(page: &Path, dir: &Path) -> Option<String> {
    if !installed("chromium") {
        eprintln!(
            "skipped: `chromium` is not installed (apt-get install chromium); the PDF is not printed"
        );
        return None;
    }
    let pdf = dir.join(format!(
        "{}.pdf",
        page.file_name()
            .map_or("page".into(), |n| n.to_string_lossy())
    ));
    let printed = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .args(["--disable-javascript", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium");
    assert!(
        pdf.exists(),
        "no PDF: {}",
        String::from_utf8_lossy(&printed.stderr)
    );
    if let Ok(info) = std::process::Command::new("pdfinfo").arg(&pdf).output() {
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("(A4)"), "{info}");
    }
    if !installed("pdftotext") {
        eprintln!(
            "skipped: `pdftotext` is not installed (apt-get install poppler-utils); the PDF's text is not read"
        );
        return None;
    }
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    Some(
        String::from_utf8_lossy(&text.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}
