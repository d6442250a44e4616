//! Incident report tests: logs built with the event builders, rendered and read back.
use super::fields::{code, md};
use super::*;
use crate::engine::{Decision, Engine, Query};
use crate::log::events::{self, Deciding, Mode, Opening, Reason};
use crate::log::{Event, Holder, Log};
use crate::model::{Action, Runbook};
use chrono::TimeZone;
use std::os::unix::fs::PermissionsExt;

fn runbook() -> Runbook {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate::load::load(&root.join("runbooks/lyon-packaging")).expect("the shipped runbook loads")
}

/// 2026-03-06 (a Friday) at 02:`minute`, plant time.
fn at(minute: u32) -> DateTime<FixedOffset> {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(2026, 3, 6, 2, minute, 0)
        .single()
        .expect("a plain plant time")
        .fixed_offset()
}

fn resolve(rb: &Runbook, identity: &str, action: Action, state: &str, minute: u32) -> Decision {
    Engine::new(rb).resolve(&Query {
        identity,
        action,
        state,
        at: at(minute).with_timezone(&chrono_tz::Europe::Paris),
        unavailable: &[],
    })
}

fn people(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// A night with three decisions: D1 escalated then decided, D2 left
/// open, D3 forbidden and taken anyway by someone not authorized.
fn night(rb: &Runbook) -> Vec<Event> {
    let hash = rb.content_hash.clone();
    let d1 = resolve(rb, "vendor-acme-remote", Action::Disconnect, "normal", 10);
    let d2 = resolve(rb, "mes-erp-api-key", Action::Rotate, "normal", 12);
    let d3 = resolve(rb, "plc-l3-eng-shared", Action::Override, "maintenance", 30);
    let dana = people(&["dana"]);
    let lucas = people(&["lucas"]);
    let flags = people(&["forbidden in maintenance | loto\nsecond line"]);
    vec![
        events::opened(
            at(9),
            &Opening {
                runbook: "runbooks/lyon-packaging",
                runbook_hash: &hash,
                plant: "lyon-packaging",
                timezone: "Europe/Paris",
                mode: Mode::Live,
                state: "normal",
                scenario: None,
                rehearsal: false,
            },
        ),
        events::decision_opened(at(10), "D1", &d1),
        events::decision_opened(at(12), "D2", &d2),
        events::availability(at(14), "alice", false),
        events::escalated(at(15), "D1", 2, &dana, Reason::Timeout, None, 0),
        events::decided(
            at(17),
            &Deciding {
                decision: "D1",
                identity: Some("vendor-acme-remote"),
                action: "disconnect",
                state: "normal",
                by: &dana,
                approved: true,
                authorized: true,
                ahead_of_chain: false,
                rule: Some("vendor-sessions"),
                preconditions_acknowledged: true,
                flags: &[],
            },
        ),
        events::note(at(20), "line 3 | cell B\nrestarted [see](http://x) <b>"),
        events::state_declared(at(25), "maintenance", "normal", &lucas, true, None),
        events::decision_opened(at(30), "D3", &d3),
        events::decided(
            at(31),
            &Deciding {
                decision: "D3",
                identity: Some("plc-l3-eng-shared"),
                action: "override",
                state: "maintenance",
                by: &lucas,
                approved: true,
                authorized: false,
                ahead_of_chain: false,
                rule: None,
                preconditions_acknowledged: true,
                flags: &flags,
            },
        ),
        events::closed(at(40), &people(&["D2"])),
    ]
}

/// The night's log in a temporary directory.
fn log_of(events: &[Event]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("incident.andonlog");
    let mut log = Log::create(&path, &Holder::this_process(at(9))).expect("create");
    for e in events {
        log.append(e).expect("append");
    }
    (dir, path)
}

fn report(path: &Path) -> String {
    let written = write_incident_report(path, &Names::new()).expect("report written");
    assert_eq!(written, report_path(path, ".report.md"));
    // The printable page beside it has the same sections, and no script.
    let page = std::fs::read_to_string(report_path(path, ".report.html")).expect("HTML report");
    assert!(page.starts_with("<!DOCTYPE html>") && !page.contains("<script"));
    assert!(page.contains("<h2>Timeline</h2>"), "{page}");
    std::fs::read_to_string(written).expect("report readable")
}

/// With the runbook's names, people read as `Dana Petit (dana)` wherever
/// the log names them; the header lists who decided or declared, and the
/// head (last seq and hash) an auditor writes down.
#[test]
fn people_show_by_name_with_the_participants_and_the_head() {
    let rb = runbook();
    let (_dir, path) = log_of(&night(&rb));
    let names: Names = (rb.people.iter())
        .map(|p| (p.id.value.to_string(), p.label().to_owned()))
        .collect();
    write_incident_report(&path, &names).expect("report written");
    let text = std::fs::read_to_string(report_path(&path, ".report.md")).expect("report");
    let dana = names.get("dana").expect("dana has a name");
    let lucas = names.get("lucas").expect("lucas has a name");
    assert!(
        text.contains(&format!(
            "- **Participants:** {dana} (dana), {lucas} (lucas)\n"
        )),
        "{text}"
    );
    let decisions = section(&text, "Decisions").join("\n");
    assert!(
        decisions.contains(&format!("| {dana} (dana) |")),
        "{decisions}"
    );
    let unavailable = section(&text, "Unavailability").join("\n");
    let alice = names.get("alice").expect("alice has a name");
    assert!(
        unavailable.contains(&format!("| {alice} (alice) |")),
        "{unavailable}"
    );
    let last = crate::log::read(&path)
        .expect("log")
        .events
        .pop()
        .expect("an event");
    assert!(
        text.contains(&format!(
            "- **Head:** seq {}, hash `{}` ",
            last.seq, last.hash
        )),
        "{text}"
    );
}

/// The lines of section `title`, up to the next section.
fn section<'a>(report: &'a str, title: &str) -> Vec<&'a str> {
    let start = report
        .find(&format!("## {title}\n"))
        .unwrap_or_else(|| panic!("no section {title}:\n{report}"));
    report[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// The row of a table whose line contains `needle`.
fn row_with<'a>(lines: &[&'a str], needle: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle}: {lines:#?}"))
}

/// Cell separators: pipes not escaped by a backslash.
fn separators(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

#[test]
fn the_report_says_what_happened_in_every_section() {
    let rb = runbook();
    let (_dir, path) = log_of(&night(&rb));
    let text = report(&path);
    assert!(
        text.starts_with("# Incident report: lyon-packaging (live)\n"),
        "{text}"
    );
    assert!(
        text.contains("- **Runbook:** `runbooks/lyon-packaging`"),
        "{text}"
    );
    let hash = rb.content_hash.clone();
    assert!(
        text.contains(&format!("- **Runbook hash:** `{hash}`")),
        "{text}"
    );
    assert!(
        text.contains("- **Opened:** 2026-03-06 02:09:00, in state normal"),
        "{text}"
    );
    assert!(text.contains("- **Closed:** 02:40:00"), "{text}");
    assert!(
        text.contains("- **Hash chain:** verifies (11 events"),
        "{text}"
    );
    // The head to write down, as `log verify --head` takes it.
    let v = crate::log::verify(&path).unwrap();
    let (seq, hash) = v.head.clone().unwrap();
    assert!(
        text.contains(&format!(
            "- **Head:** seq {seq}, hash `{hash}` (write it down: `andon log verify --head {seq}:{hash} LOG`"
        )),
        "{text}"
    );
    assert!(v.story_holds(), "{:?}", v.story);
    assert!(!text.contains("**Story:**"), "{text}");
    assert!(!text.contains("Torn tail"), "{text}");
    assert!(
        text.contains("- **Plant time zone:** Europe/Paris, UTC+01:00 at the start; the times below are plant-local\n"),
        "{text}"
    );

    let timeline = section(&text, "Timeline");
    assert_eq!(timeline.len(), 2 + 11, "{timeline:#?}");
    let d1 = row_with(&timeline, "D1 opened");
    assert!(
        d1.contains("| 02:10:00 | decision opened | D1 opened: disconnect vendor-acme-remote in state normal: rule vendor-sessions, calling alice (level 1) |"),
        "{d1}"
    );
    assert!(
        row_with(&timeline, "D3 opened").contains("FORBIDDEN by rule no-remote-override-in-loto: ")
    );
    assert!(
        row_with(&timeline, "D1 escalated")
            .contains("escalated to level 2: dana (level time ran out)")
    );
    assert!(row_with(&timeline, "D1 disconnect").contains("by dana: approved, authorized"));
    assert!(row_with(&timeline, "D3 override").contains("by lucas: approved, NOT AUTHORIZED"));
    assert!(row_with(&timeline, "| note |").contains("note: alice is unavailable"));
    assert!(row_with(&timeline, "| closed |").contains("closed; still open: D2"));
    assert!(
        row_with(&timeline, "| state declared |")
            .contains("state changed from normal to maintenance by lucas, authorized")
    );

    let decisions = section(&text, "Decisions");
    assert_eq!(decisions.len(), 2 + 2, "{decisions:#?}");
    assert_eq!(
        row_with(&decisions, "| D1 |"),
        "| D1 | 2026-03-06 02:17:00 | vendor-acme-remote | disconnect | normal | dana | approved | yes | no | none required |  |"
    );
    let d3 = row_with(&decisions, "| D3 |");
    assert!(d3.contains("| lucas | approved | **no** | no |"), "{d3}");

    let escalations = section(&text, "Escalations");
    assert_eq!(
        escalations[2],
        "| D1 | 2026-03-06 02:15:00 | 2 | dana | level time ran out |"
    );

    let states = section(&text, "State changes");
    assert_eq!(
        states[2],
        "| 2026-03-06 02:25:00 | normal | maintenance | lucas | yes |  |"
    );
    let unavailable = section(&text, "Unavailability");
    assert_eq!(
        unavailable[2],
        "| 2026-03-06 02:14:00 | alice | unavailable | note |"
    );
}

#[test]
fn a_decision_never_taken_is_an_open_item_and_needs_attention() {
    let rb = runbook();
    let (_dir, path) = log_of(&night(&rb));
    let text = report(&path);
    let open = section(&text, "Open items");
    assert_eq!(open.len(), 1, "{open:#?}");
    assert!(
        open[0].starts_with("- **D2**: rotate mes-erp-api-key in normal, opened 2026-03-06 02:12:00; first called: rule mes-erp-key-rotate, calling thomas (level 1), two people must decide; never decided"),
        "{}",
        open[0]
    );
    let attention = section(&text, "Needs attention");
    assert!(attention.contains(&"- still open: D2"), "{attention:#?}");
}

#[test]
fn a_decision_by_someone_not_authorized_is_flagged() {
    let rb = runbook();
    let (_dir, path) = log_of(&night(&rb));
    let text = report(&path);
    let attention = section(&text, "Needs attention");
    assert!(
        attention.contains(&"- D3 was decided by lucas, who the runbook does not authorize"),
        "{attention:#?}"
    );
    assert!(
        !attention.iter().any(|l| l.contains("D1")),
        "{attention:#?}"
    );
}

#[test]
fn pipes_and_newlines_in_typed_text_do_not_break_the_tables() {
    let rb = runbook();
    let (_dir, path) = log_of(&night(&rb));
    let text = report(&path);
    let note = row_with(&section(&text, "Timeline"), "cell B");
    assert!(
        note.ends_with("| note: line 3 \\| cell B<br>restarted \\[see\\](http://x) &lt;b&gt; |"),
        "{note}"
    );
    let d3 = row_with(&section(&text, "Decisions"), "| D3 |");
    assert!(
        d3.ends_with("| forbidden in maintenance \\| loto<br>second line |"),
        "{d3}"
    );
    for title in [
        "Timeline",
        "Decisions",
        "Escalations",
        "State changes",
        "Unavailability",
    ] {
        let lines = section(&text, title);
        let columns = separators(lines[0]);
        for line in &lines {
            assert!(line.starts_with('|'), "{title}: {line}");
            assert_eq!(separators(line), columns, "{title}: {line}");
        }
    }
}

#[test]
fn markdown_escaping_covers_what_breaks_a_table_or_makes_a_link() {
    assert_eq!(md("a|b"), "a\\|b");
    assert_eq!(md("a\\|b"), "a\\\\\\|b");
    assert_eq!(md("one\r\ntwo\rthree\nfour"), "one<br>two<br>three<br>four");
    assert_eq!(
        md("![x](http://evil) `c` <img> & \t"),
        "!\\[x\\](http://evil) \\`c\\` &lt;img&gt; &amp;  "
    );
    assert_eq!(code("runbooks/lyon"), "`runbooks/lyon`");
    assert_eq!(code("odd`|path"), "odd\\`\\|path");
}

#[test]
fn a_torn_tail_is_reported_never_hidden() {
    let rb = runbook();
    let events = night(&rb);
    let (_dir, path) = log_of(&events[..5]);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
    std::io::Write::write_all(&mut file, b"{\"seq\":6,\"at\":\"2026-03-06T02:17")
        .expect("torn write");
    drop(file);
    let text = report(&path);
    assert!(
        text.contains("- **Torn tail:** **line 6 is torn**: 31 bytes without a newline"),
        "{text}"
    );
    assert!(
        text.contains("It begins: {\"seq\":6,\"at\":\"2026-03-06T02:17"),
        "{text}"
    );
    assert!(text.contains("- the last line (6) is torn"), "{text}");
    assert!(
        text.contains("- **Hash chain:** verifies (5 events"),
        "{text}"
    );
    assert!(
        text.contains("- **Closed:** not closed: the log ends at 02:15:00"),
        "{text}"
    );
    assert_eq!(section(&text, "Timeline").len(), 2 + 5);
}

#[test]
fn a_broken_chain_is_reported_with_the_events_before_it() {
    let rb = runbook();
    let (_dir, path) = log_of(&night(&rb));
    let log = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, log.replacen("\"alice\"", "\"alicf\"", 1)).expect("tamper");
    let text = report(&path);
    assert!(
        text.contains("- **Hash chain:** **BROKEN at line 2**: content does not match its hash: the line was changed. The lines before it verify; nothing from line 2 on is in this report"),
        "{text}"
    );
    assert!(
        text.contains("- the hash chain is broken at line 2"),
        "{text}"
    );
    assert_eq!(section(&text, "Timeline").len(), 2 + 1);
}

#[test]
fn the_report_is_private_and_replaced_whole() {
    let rb = runbook();
    let (dir, path) = log_of(&night(&rb)[..3]);
    let first = report(&path);
    let mut log = Log::open_append(&path, &Holder::this_process(at(9))).expect("reopen");
    log.append(&events::note(at(50), "later")).expect("append");
    drop(log);
    let second = report(&path);
    assert_ne!(first, second);
    assert!(second.contains("| note: later |"), "{second}");
    let written = report_path(&path, ".report.md");
    assert_eq!(
        written.file_name().and_then(|n| n.to_str()),
        Some("incident.andonlog.report.md")
    );
    let mode = std::fs::metadata(&written)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let page = report_path(&path, ".report.html");
    let mode = std::fs::metadata(&page).expect("stat").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // The log, its report and the report's page; no temporary file left.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 3, "no temporary file left: {names:?}");
}

#[test]
fn a_drill_across_midnight_and_a_dst_change_shows_dates_offsets_and_injects() {
    let rb = runbook();
    let hash = rb.content_hash.clone();
    let paris = chrono_tz::Europe::Paris;
    // The night of 2026-03-28: midnight, then clocks go forward at 02:00.
    let late = paris
        .with_ymd_and_hms(2026, 3, 28, 23, 50, 0)
        .single()
        .expect("time");
    let after = paris
        .with_ymd_and_hms(2026, 3, 29, 3, 5, 0)
        .single()
        .expect("time");
    let declare = Engine::new(&rb).declare("emergency", late, &[]);
    let bob = people(&["bob"]);
    let events = [
        events::opened(
            late.fixed_offset(),
            &Opening {
                runbook: "runbooks/lyon-packaging",
                runbook_hash: &hash,
                plant: "lyon-packaging",
                timezone: "Europe/Paris",
                mode: Mode::Drill,
                state: "normal",
                scenario: Some("vendor-session-night"),
                rehearsal: false,
            },
        ),
        events::decision_opened(late.fixed_offset(), "D1", &declare),
        events::inject(
            after.fixed_offset(),
            2,
            "alice's phone is off",
            &[],
            &people(&["alice"]),
            &[],
        ),
        events::escalated(
            after.fixed_offset(),
            "D1",
            2,
            &bob,
            Reason::Unavailable,
            Some(&declare),
            0,
        ),
    ];
    let (_dir, path) = log_of(&events);
    let text = report(&path);
    assert!(
        text.starts_with("# Drill report: lyon-packaging (drill, scenario vendor-session-night)\n"),
        "{text}"
    );
    let timeline = section(&text, "Timeline");
    assert!(
        timeline[3].starts_with(
            "| 23:50:00 | decision opened | D1 opened: declare emergency: the declare chain, calling bob (level 1) |"
        ),
        "{}",
        timeline[3]
    );
    assert!(
        timeline[4].starts_with("| 2026-03-29 03:05:00 (+02:00) | inject | inject 2: alice's phone is off \\[unavailable from now: alice\\] |"),
        "{}",
        timeline[4]
    );
    assert_eq!(
        section(&text, "Escalations")[2],
        "| D1 | 2026-03-29 03:05:00 (+02:00) | 2 | bob | everyone at the level unavailable; chain resolved again |"
    );
    assert_eq!(
        section(&text, "Unavailability")[2],
        "| 2026-03-29 03:05:00 (+02:00) | alice | unavailable | inject 2 |"
    );
    let open = section(&text, "Open items");
    assert!(open[0].starts_with("- **D1**: declare emergency, opened 2026-03-28 23:50:00; last called: level 2 (bob) at 2026-03-29 03:05:00 (+02:00); never decided"), "{}", open[0]);
    assert!(
        text.contains("- **Closed:** not closed: the log ends at 2026-03-29 03:05:00 (+02:00)"),
        "{text}"
    );
}

#[test]
fn acknowledged_preconditions_are_counted_for_a_two_person_decision() {
    let rb = runbook();
    let d2 = resolve(&rb, "mes-erp-api-key", Action::Rotate, "normal", 12);
    let wanted = d2.preconditions[0].to_string();
    let both = people(&["thomas", "lucas"]);
    let events = [
        events::decision_opened(at(12), "D2", &d2),
        events::acknowledged(at(13), "D2", &wanted),
        events::decided(
            at(14),
            &Deciding {
                decision: "D2",
                identity: Some("mes-erp-api-key"),
                action: "rotate",
                state: "normal",
                by: &both,
                approved: false,
                authorized: true,
                ahead_of_chain: true,
                rule: Some("mes-erp-key-rotate"),
                preconditions_acknowledged: true,
                flags: &[],
            },
        ),
    ];
    let (_dir, path) = log_of(&events);
    let text = report(&path);
    let timeline = section(&text, "Timeline");
    assert!(
        timeline[3].ends_with(&format!(
            "| D2 precondition acknowledged: {} |",
            md(&wanted)
        )),
        "{}",
        timeline[3]
    );
    assert!(
        timeline[4].contains("by thomas and lucas: declined, authorized, ahead of the chain"),
        "{}",
        timeline[4]
    );
    let d2 = row_with(&section(&text, "Decisions"), "| D2 |");
    assert!(
        d2.ends_with("| thomas, lucas | declined | yes | yes | yes (1 of 1) |  |"),
        "{d2}"
    );
    assert!(section(&text, "Open items")[0].starts_with("None"));
    assert!(!text.contains("## Needs attention"), "{text}");
    assert!(
        text.contains("- **Opened:** no `opened` event in the log"),
        "{text}"
    );
}

#[test]
fn an_unreadable_log_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("missing.andonlog");
    let err = write_incident_report(&path, &Names::new()).expect_err("no log");
    assert!(err.to_string().starts_with("cannot read `"), "{err}");
}
