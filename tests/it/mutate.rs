//! Mutants of a runbook folder, each a pure function of a seed and its
//! number: the folder's files with a few edits an attacker or a careless
//! hand would make (bytes flipped, lines deleted or repeated, durations and
//! dates at and past their limits, hostile unicode, YAML anchors, aliases
//! and merge keys, deep nesting, huge numbers, special files), and the
//! words that say what was done, to reproduce a failure.

use std::path::{Path, PathBuf};

/// splitmix64: small, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// An entry of the folder that is not a plain file.
#[derive(Debug, Clone, Copy)]
pub enum Special {
    /// A link to `/dev/zero` (endless bytes).
    DevZero,
    /// A named pipe nobody writes to (a read would wait forever).
    Fifo,
    /// A folder named like a YAML file.
    Folder,
    /// A link to nothing.
    Dangling,
    /// A link to itself.
    Loop,
    /// A link to `/proc/self/environ` (secrets that must not be quoted).
    Environ,
}

/// One mutant: the files (path under the folder, bytes), special entries,
/// and what was done.
pub struct Mutant {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub special: Vec<(String, Special)>,
    pub what: Vec<String>,
}

impl Mutant {
    /// Writes the mutant into the empty folder `dir`.
    pub fn write(&self, dir: &Path) {
        for (path, bytes) in &self.files {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("mutant folder");
            }
            std::fs::write(&path, bytes).expect("mutant file");
        }
        for (name, special) in &self.special {
            let path = dir.join(name);
            match special {
                Special::DevZero => std::os::unix::fs::symlink("/dev/zero", &path).expect("link"),
                Special::Environ => {
                    std::os::unix::fs::symlink("/proc/self/environ", &path).expect("link")
                }
                Special::Dangling => {
                    std::os::unix::fs::symlink(dir.join("nowhere"), &path).expect("link")
                }
                Special::Loop => std::os::unix::fs::symlink(&path, &path).expect("link"),
                Special::Folder => std::fs::create_dir_all(&path).expect("folder"),
                Special::Fifo => {
                    let status = std::process::Command::new("mkfifo")
                        .arg(&path)
                        .status()
                        .expect("mkfifo");
                    assert!(status.success(), "mkfifo {}", path.display());
                }
            }
        }
    }

    pub fn describe(&self) -> String {
        self.what.join("; ")
    }
}

/// Reads every file under `dir` (relative paths, sorted).
pub fn read_folder(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).expect("read folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_path_buf();
                out.push((rel, std::fs::read(&path).expect("read file")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The kinds of edit, each given its turn in order (mutant `n` starts with
/// kind `n % KINDS`), then zero to two more drawn at random.
const KINDS: usize = 14;

/// Mutant number `n` of `base` under `seed`.
pub fn mutant(base: &[(PathBuf, Vec<u8>)], seed: u64, n: u64) -> Mutant {
    let mut rng = Rng::new(seed ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03));
    let mut m = Mutant {
        files: base.to_vec(),
        special: Vec::new(),
        what: Vec::new(),
    };
    let first = (n % KINDS as u64) as usize;
    let more = rng.below(3);
    edit(&mut m, &mut rng, first);
    for _ in 0..more {
        let kind = rng.below(KINDS);
        edit(&mut m, &mut rng, kind);
    }
    m
}

const DURATIONS: &[&str] = &[
    "0s",
    "59s",
    "1m",
    "366d",
    "367d",
    "52w2d",
    "3660d",
    "3661d",
    "99999999d",
    "999999999w",
    "999999999w999999999d",
    "99999999999999999999d",
    "1",
    "-5m",
    "5x",
    "1.5h",
    "\"\"",
    "0",
];

const DATES: &[&str] = &[
    "0001-01-01",
    "9999-12-31",
    "0000-01-01",
    "+262142-12-31",
    "-262143-01-01",
    "+10000-01-01",
    "2026-02-29",
    "2026-13-01",
    "2026-03-29T02:30",
    "2026-10-25T02:30",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00-14:00",
    "9999-12-31T23:59",
];

const UNICODE: &[&[u8]] = &[
    "\u{202e}".as_bytes(),
    "\u{2066}".as_bytes(),
    "\u{0301}".as_bytes(),
    b"\0",
    "\u{200d}".as_bytes(),
    "\u{feff}".as_bytes(),
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    "\u{10ffff}".as_bytes(),
    "\u{1b}]52;c;aGk=\u{7}".as_bytes(),
    b"\r",
    "\u{85}".as_bytes(),
    "\u{2028}".as_bytes(),
];

const VALUES: &[&str] = &[
    "[]",
    "{}",
    "~",
    "null",
    "true",
    "0x10",
    ".inf",
    "\"\"",
    "99999999999999999999999",
    "-1",
    "0",
    "&a",
    "*a",
    "!!binary aGk=",
    "!custom x",
    "? x",
    "|",
    "'",
];

fn edit(m: &mut Mutant, rng: &mut Rng, kind: usize) {
    match kind {
        0 => flip(m, rng),
        1 => delete_lines(m, rng),
        2 => repeat_line(m, rng),
        3 => replace_after_key(
            m,
            rng,
            &["after:", "shift:", "rotation:"],
            DURATIONS,
            "duration",
        ),
        4 => replace_date(m, rng),
        5 => unicode(m, rng),
        6 => anchors(m, rng),
        7 => nesting(m, rng),
        8 => special(m, rng),
        9 => replace_after_key(
            m,
            rng,
            &["repeat:"],
            &[
                "9",
                "10",
                "255",
                "256",
                "-1",
                "99999999999999999999",
                "1e9",
                "~",
            ],
            "repeat",
        ),
        10 => whole_file(m, rng),
        11 => swap_lines(m, rng),
        12 => replace_after_key(m, rng, &[": "], VALUES, "value"),
        _ => {
            let n = *rng.pick(&[10_000, 100_000]);
            long_list(m, rng, n);
        }
    }
}

/// A file to edit, by index.
fn file(m: &Mutant, rng: &mut Rng) -> usize {
    rng.below(m.files.len())
}

fn name(m: &Mutant, f: usize) -> String {
    m.files[f].0.display().to_string()
}

/// The byte ranges of the lines of `bytes`, newline included.
fn lines(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push((start, bytes.len()));
    }
    out
}

fn flip(m: &mut Mutant, rng: &mut Rng) {
    let f = file(m, rng);
    let count = 1 + rng.below(4);
    for _ in 0..count {
        let bytes = &mut m.files[f].1;
        if bytes.is_empty() {
            return;
        }
        let at = rng.below(bytes.len());
        let new = if rng.below(2) == 0 {
            bytes[at] ^ (1 << rng.below(8))
        } else {
            rng.below(256) as u8
        };
        bytes[at] = new;
        let what = format!("byte {at} of {} set to {new:#04x}", name(m, f));
        m.what.push(what);
    }
}

fn delete_lines(m: &mut Mutant, rng: &mut Rng) {
    let f = file(m, rng);
    let ls = lines(&m.files[f].1);
    if ls.is_empty() {
        return;
    }
    let first = rng.below(ls.len());
    let last = (first + rng.below(3)).min(ls.len() - 1);
    m.files[f].1.drain(ls[first].0..ls[last].1);
    let what = format!("lines {}-{} of {} deleted", first + 1, last + 1, name(m, f));
    m.what.push(what);
}

fn repeat_line(m: &mut Mutant, rng: &mut Rng) {
    let f = file(m, rng);
    let ls = lines(&m.files[f].1);
    if ls.is_empty() {
        return;
    }
    let i = rng.below(ls.len());
    let times = *rng.pick(&[1, 2, 10, 200]);
    let (a, b) = ls[i];
    let mut line = m.files[f].1[a..b].to_vec();
    if !line.ends_with(b"\n") {
        line.push(b'\n');
    }
    let copies = line.repeat(times);
    m.files[f].1.splice(b..b, copies);
    let what = format!("line {} of {} repeated {times} times", i + 1, name(m, f));
    m.what.push(what);
}

/// Every place (file, start, end) where the value after one of `keys`
/// stands: up to a `,`, `}`, `]`, `#` or the end of the line. (The search
/// is std's string search, fast in a debug build; a file that is no longer
/// UTF-8 is searched in its valid prefix.)
fn values_after(m: &Mutant, keys: &[&str]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (f, (_, bytes)) in m.files.iter().enumerate() {
        let text = valid_prefix(bytes);
        for key in keys {
            for (p, _) in text.match_indices(key) {
                let start = p + key.len();
                let rest = &text[start..];
                let start = start + (rest.len() - rest.trim_start_matches(' ').len());
                // At most 256 bytes: 100,000 nested `{ a: ` would make
                // each of their values reach to the end of the file.
                let end = start
                    + text.as_bytes()[start..]
                        .iter()
                        .take(256)
                        .take_while(|b| !matches!(b, b',' | b'}' | b']' | b'#' | b'\n'))
                        .count();
                if end > start {
                    out.push((f, start, end));
                }
            }
        }
    }
    out
}

/// The longest prefix of `bytes` that is UTF-8.
fn valid_prefix(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn replace_after_key(m: &mut Mutant, rng: &mut Rng, keys: &[&str], values: &[&str], what: &str) {
    let places = values_after(m, keys);
    if places.is_empty() {
        return;
    }
    let (f, start, end) = *rng.pick(&places);
    let value = *rng.pick(values);
    let old = String::from_utf8_lossy(&m.files[f].1[start..end]).into_owned();
    m.files[f].1.splice(start..end, value.bytes());
    let said = format!("{what} `{old}` in {} set to `{value}`", name(m, f));
    m.what.push(said);
}

fn replace_date(m: &mut Mutant, rng: &mut Rng) {
    let mut places = Vec::new();
    for (f, (_, bytes)) in m.files.iter().enumerate() {
        let text = valid_prefix(bytes).as_bytes();
        // A date's first `-` is its fifth byte.
        for (dash, _) in valid_prefix(bytes).match_indices('-') {
            let Some(i) = dash.checked_sub(4) else {
                continue;
            };
            let Some(w) = text.get(i..i + 10) else {
                continue;
            };
            let digits = [0, 1, 2, 3, 5, 6, 8, 9];
            if digits.iter().all(|&d| w[d].is_ascii_digit()) && w[7] == b'-' {
                // A date-time takes its time of day along.
                let rest = &text[i + 10..];
                let time = if rest.starts_with(b"T") {
                    rest.iter()
                        .take_while(|b| {
                            b.is_ascii_alphanumeric() || matches!(b, b':' | b'+' | b'-')
                        })
                        .count()
                } else {
                    0
                };
                places.push((f, i, i + 10 + time));
            }
        }
    }
    if places.is_empty() {
        return;
    }
    let (f, start, end) = *rng.pick(&places);
    let value = *rng.pick(DATES);
    let old = String::from_utf8_lossy(&m.files[f].1[start..end]).into_owned();
    m.files[f].1.splice(start..end, value.bytes());
    let said = format!("date `{old}` in {} set to `{value}`", name(m, f));
    m.what.push(said);
}

fn unicode(m: &mut Mutant, rng: &mut Rng) {
    let f = file(m, rng);
    let ls = lines(&m.files[f].1);
    if ls.is_empty() {
        return;
    }
    let i = rng.below(ls.len());
    let (a, b) = ls[i];
    // Inside the value when the line has one, else anywhere in it.
    let line = &m.files[f].1[a..b];
    let from = find(line, b": ").map_or(a, |p| a + p + 2);
    let at = from + rng.below(b - from);
    let what = *rng.pick(UNICODE);
    let times = if rng.below(8) == 0 { 500 } else { 1 };
    m.files[f].1.splice(at..at, what.repeat(times));
    let said = format!(
        "{what:02x?} x{times} inserted at byte {at} of {}",
        name(m, f)
    );
    m.what.push(said);
}

fn anchors(m: &mut Mutant, rng: &mut Rng) {
    let places = values_after(m, &[": "]);
    if places.len() < 2 {
        return;
    }
    let id = rng.below(1000);
    match rng.below(5) {
        // An anchored value, aliased elsewhere (perhaps before it).
        0 => {
            let (f1, s1, _) = *rng.pick(&places);
            let (f2, s2, e2) = *rng.pick(&places);
            if f1 == f2 && s1 == s2 {
                return;
            }
            // The later edit first, so the earlier offsets stay right.
            let anchor = format!("&a{id} ");
            let alias = format!("*a{id}");
            if (f2, s2) > (f1, s1) {
                m.files[f2].1.splice(s2..e2, alias.bytes());
                m.files[f1].1.splice(s1..s1, anchor.bytes());
            } else {
                m.files[f1].1.splice(s1..s1, anchor.bytes());
                m.files[f2].1.splice(s2..e2, alias.bytes());
            }
            let said = format!(
                "value in {} anchored, one in {} aliased",
                name(m, f1),
                name(m, f2)
            );
            m.what.push(said);
        }
        // A merge key after a list item's first line: from a flow mapping,
        // an undefined alias, or a list of aliases.
        1 => {
            let merges = [
                "<<: { labels: { x: y }, kind: token }",
                "<<: *nowhere",
                "<<: [*a1, *a2]",
                "<<: { id: twice }",
                "<<: {}",
            ];
            let f = file(m, rng);
            let ls = lines(&m.files[f].1);
            let items: Vec<(usize, usize)> = ls
                .iter()
                .copied()
                .filter(|(a, b)| {
                    let line = &m.files[f].1[*a..*b];
                    let text = String::from_utf8_lossy(line);
                    text.trim_start().starts_with("- id:")
                })
                .collect();
            if items.is_empty() {
                return;
            }
            let (a, b) = *rng.pick(&items);
            let indent = m.files[f].1[a..b]
                .iter()
                .take_while(|c| **c == b' ')
                .count()
                + 2;
            let merge = *rng.pick(&merges);
            let line = format!("{}{merge}\n", " ".repeat(indent));
            m.files[f].1.splice(b..b, line.bytes());
            let said = format!("`{merge}` after line at byte {a} of {}", name(m, f));
            m.what.push(said);
        }
        // An undefined alias as a value.
        2 => {
            let (f, s, e) = *rng.pick(&places);
            m.files[f].1.splice(s..e, b"*nowhere".iter().copied());
            let said = format!("an undefined alias in {}", name(m, f));
            m.what.push(said);
        }
        // A fan-out of aliases (laughs) appended to a file.
        3 => {
            let f = file(m, rng);
            let depth = 3 + rng.below(5);
            let mut text = String::from("\nlol0: &l0 [x, x, x, x, x, x, x, x]\n");
            for d in 1..depth {
                let refs = vec![format!("*l{}", d - 1); 8].join(", ");
                text.push_str(&format!("lol{d}: &l{d} [{refs}]\n"));
            }
            m.files[f].1.extend_from_slice(text.as_bytes());
            let said = format!(
                "aliases fanned out {depth} deep at the end of {}",
                name(m, f)
            );
            m.what.push(said);
        }
        // The same anchor defined twice.
        _ => {
            let (f, s, _) = *rng.pick(&places);
            let (g, t, _) = *rng.pick(&places);
            if (f, s) == (g, t) {
                return;
            }
            let (first, second) = if (f, s) < (g, t) {
                ((f, s), (g, t))
            } else {
                ((g, t), (f, s))
            };
            let anchor = format!("&d{id} ");
            m.files[second.0]
                .1
                .splice(second.1..second.1, anchor.bytes());
            m.files[first.0].1.splice(first.1..first.1, anchor.bytes());
            m.what.push(format!("anchor &d{id} defined twice"));
        }
    }
}

fn nesting(m: &mut Mutant, rng: &mut Rng) {
    let places = values_after(m, &[": "]);
    if places.is_empty() {
        return;
    }
    let (f, s, e) = *rng.pick(&places);
    let depth = *rng.pick(&[8, 40, 47, 48, 49, 100, 1000, 100_000]);
    let value = if rng.below(2) == 0 {
        format!("{}x{}", "[".repeat(depth), "]".repeat(depth))
    } else {
        format!("{}x: 1{}", "{ a: ".repeat(depth), " }".repeat(depth))
    };
    m.files[f].1.splice(s..e, value.bytes());
    let said = format!("a value in {} nested {depth} deep", name(m, f));
    m.what.push(said);
}

fn special(m: &mut Mutant, rng: &mut Rng) {
    let kinds = [
        Special::DevZero,
        Special::Fifo,
        Special::Folder,
        Special::Dangling,
        Special::Loop,
        Special::Environ,
    ];
    let kind = *rng.pick(&kinds);
    let name = format!("{:02}-special.yaml", rng.below(100));
    if m.special.iter().any(|(n, _)| *n == name) {
        return;
    }
    m.what.push(format!("{name} is {kind:?}"));
    m.special.push((name, kind));
}

fn whole_file(m: &mut Mutant, rng: &mut Rng) {
    let f = file(m, rng);
    let old = name(m, f);
    match rng.below(4) {
        0 => {
            let copy = m.files[f].clone();
            let path = PathBuf::from(format!(
                "copy-of-{}",
                copy.0.display().to_string().replace('/', "-")
            ));
            m.what.push(format!("{old} copied to {}", path.display()));
            m.files.push((path, copy.1));
        }
        1 => {
            m.files.remove(f);
            m.what.push(format!("{old} removed"));
        }
        2 => {
            let len = m.files[f].1.len();
            let at = rng.below(len + 1);
            m.files[f].1.truncate(at);
            m.what.push(format!("{old} cut at byte {at}"));
        }
        _ => {
            m.files[f].1.clear();
            m.what.push(format!("{old} emptied"));
        }
    }
}

fn swap_lines(m: &mut Mutant, rng: &mut Rng) {
    let f = file(m, rng);
    let ls = lines(&m.files[f].1);
    if ls.len() < 2 {
        return;
    }
    let i = rng.below(ls.len() - 1);
    let (a, _) = ls[i];
    let (_, end) = ls[i + 1];
    let first = m.files[f].1[ls[i].0..ls[i].1].to_vec();
    let second = m.files[f].1[ls[i + 1].0..ls[i + 1].1].to_vec();
    let mut swapped = second;
    if !swapped.ends_with(b"\n") {
        swapped.push(b'\n');
    }
    swapped.extend_from_slice(&first);
    m.files[f].1.splice(a..end, swapped);
    let said = format!("lines {} and {} of {} swapped", i + 1, i + 2, name(m, f));
    m.what.push(said);
}

/// A flow list repeated until it has about `n` items, in place of
/// one (a long rotation, a long chain, many members).
fn long_list(m: &mut Mutant, rng: &mut Rng, n: usize) {
    let mut places = Vec::new();
    for (f, (_, bytes)) in m.files.iter().enumerate() {
        for (a, b) in lines(bytes) {
            let line = &bytes[a..b];
            for key in ["rotation: [", "members: [", "declare: [", "decide: ["] {
                if let (Some(p), Some(q)) = (
                    find(line, key.as_bytes()),
                    line.iter().rposition(|c| *c == b']'),
                ) {
                    let open = a + p + key.len();
                    if a + q > open {
                        places.push((f, open, a + q));
                    }
                }
            }
        }
    }
    if places.is_empty() {
        return;
    }
    let (f, s, e) = *rng.pick(&places);
    let inner = String::from_utf8_lossy(&m.files[f].1[s..e]).into_owned();
    let items = inner.matches(", ").count() + 1;
    let value = vec![inner.as_str(); n.div_ceil(items)].join(", ");
    m.files[f].1.splice(s..e, value.bytes());
    let said = format!("list `[{inner}]` in {} repeated to {n} items", name(m, f));
    m.what.push(said);
}
