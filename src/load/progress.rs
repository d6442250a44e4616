//! How far a load has come, for a loading frame to show while a large
//! runbook loads (the console, before its first screen): which stage, and
//! how many files of how many. Counters only, updated by the loader's
//! threads and read by whoever draws.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// A load's stage and its count, shared between the loader and a frame.
#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicU8,
    done: AtomicUsize,
    of: AtomicUsize,
}

/// What the loader is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Listing,
    /// Reading the files to check the compiled image's key.
    Checking,
    /// Reading them to parse (no image, or a stale one).
    Reading,
    Parsing,
    /// Cross-references, the indexes, the compiled image written.
    Finishing,
}

impl Stage {
    const ALL: [Stage; 5] = [
        Stage::Listing,
        Stage::Checking,
        Stage::Reading,
        Stage::Parsing,
        Stage::Finishing,
    ];

    pub fn words(self) -> &'static str {
        match self {
            Stage::Listing => "listing the runbook's files",
            Stage::Checking => "checking the compiled runbook against the files",
            Stage::Reading => "reading the files",
            Stage::Parsing => "parsing the files",
            Stage::Finishing => "checking references and indexing",
        }
    }
}

impl Progress {
    /// Enters `stage`, with `of` files to go through (0: not counted).
    pub fn start(&self, stage: Stage, of: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.of.store(of, Ordering::Relaxed);
        let n = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
        self.stage
            .store(u8::try_from(n).unwrap_or(0), Ordering::Relaxed);
    }

    /// One more file done in the current stage.
    pub fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// The stage, files done and files in all (`done` never above `of`).
    pub fn now(&self) -> (Stage, usize, usize) {
        let stage = Stage::ALL
            .get(usize::from(self.stage.load(Ordering::Relaxed)))
            .copied()
            .unwrap_or(Stage::Listing);
        let of = self.of.load(Ordering::Relaxed);
        (stage, self.done.load(Ordering::Relaxed).min(of), of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_counts_its_files_from_zero() {
        let p = Progress::default();
        assert_eq!(p.now(), (Stage::Listing, 0, 0));
        p.start(Stage::Parsing, 3);
        p.step();
        p.step();
        assert_eq!(p.now(), (Stage::Parsing, 2, 3));
        p.step();
        p.step();
        assert_eq!(p.now(), (Stage::Parsing, 3, 3), "never past the count");
        p.start(Stage::Finishing, 0);
        assert_eq!(p.now(), (Stage::Finishing, 0, 0));
    }
}
