//! `andon report RUNBOOK --html OUT`: one self-contained HTML file. Its
//! structure (no script, nothing fetched, headings, table headers, named
//! pictures), its content on the shipped plant and on an edit that opens a
//! gap, hostile names escaped, a link at OUT refused; then the same file in a
//! real headless Chromium (screenshot at 1280 px, PDF, the parsed DOM), when
//! Chromium is installed.

use super::harness::{Andon, installed, root, shipped};
use std::path::Path;
use std::process::Command;

const FROM: &str = "2026-11-22T09:00";

fn report(runbook: &Path, out: &Path) -> String {
    Andon::new()
        .args([
            "report",
            runbook.to_str().unwrap(),
            "--html",
            out.to_str().unwrap(),
        ])
        .args(["--from", FROM])
        .run()
        .success()
        .stdout_has("wrote ");
    std::fs::read_to_string(out).unwrap()
}

/// The lines of the `n`th ```html block of docs/report.md.
fn doc_lines(n: usize) -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("docs/report.md")).unwrap();
    let block = doc.split("```html\n").nth(n + 1).expect("the html block");
    let block = &block[..block.find("```").unwrap()];
    block.lines().map(str::to_owned).collect()
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

/// The checks a screen reader and a plant without a network rely on.
fn assert_self_contained_and_accessible(html: &str) {
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script",
        "<link",
        "<iframe",
        "@import",
        "url(http",
        "src=\"http",
        "href=\"http",
        "<img",
    ] {
        assert!(!lower.contains(banned), "{banned} in the report");
    }
    assert!(lower.contains("<html lang=\"en\">"));
    assert_eq!(count(&lower, "<h1"), 1, "one title");
    assert!(count(&lower, "<h2") >= 4, "a heading per section");
    assert!(lower.find("<h1").unwrap() < lower.find("<h2").unwrap());
    let tables = count(&lower, "<table");
    assert!(tables >= 3);
    assert_eq!(
        count(&lower, "<caption"),
        tables,
        "every table has a caption"
    );
    for table in lower.split("<table").skip(1) {
        let table = &table[..table.find("</table>").unwrap()];
        assert!(
            table.contains("<th scope=\"col\""),
            "column headers: {}",
            &table[..200.min(table.len())]
        );
    }
    for svg in lower.split("<svg").skip(1) {
        let tag = &svg[..svg.find('>').unwrap()];
        assert!(
            tag.contains("role=\"img\""),
            "an svg without role=img: {tag}"
        );
        assert!(tag.contains("aria-label"), "an svg without a name: {tag}");
    }
}

#[test]
fn the_report_of_the_shipped_plant_is_self_contained_and_names_the_deciders() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("map.html");
    let html = report(&shipped(), &out);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_self_contained_and_accessible(&html);
    let runbook = andon::load::load(&shipped()).unwrap();
    assert!(html.contains(&runbook.content_hash), "the content hash");
    assert!(html.contains("<h1>Authority map of Lyon packaging plant</h1>"));
    assert!(html.contains("Sun 22 Nov 09:00 to Sun 29 Nov 09:00 (7 days, Europe/Paris)"));
    assert!(html.contains("<td class=\"now\">Alice Martin<br>now</td>"));
    assert!(html.contains("<th scope=\"col\">Maintenance lockout (LOTO)</th>"));
    assert!(html.contains("No role has a gap over the horizon."));
    assert!(html.contains("<code>vendor-acme-remote</code>"));
    assert!(
        html.contains("VEN003"),
        "the accepted risk of the Acme session"
    );
    for line in doc_lines(0) {
        assert!(
            html.contains(&line),
            "docs/report.md shows a line the report lacks: {line}"
        );
    }
    // The same runbook and --from: the same bytes.
    let again = report(&shipped(), &tmp.path().join("again.html"));
    assert_eq!(html, again);
}

#[test]
fn a_removed_night_layer_shows_as_gaps_in_the_timeline() {
    let dir = tempfile::tempdir().unwrap();
    super::harness::copy_runbook(&shipped(), dir.path());
    let roles = dir.path().join("20-roles.yaml");
    let text = std::fs::read_to_string(&roles).unwrap();
    let layer = "        - rotation: [nadia, farid, lucas]\n          shift: 1w\n          start: 2026-01-05T06:00\n";
    std::fs::write(&roles, text.replacen(layer, "", 1)).unwrap();
    let html = report(dir.path(), &dir.path().join("map.html"));
    assert!(
        html.contains(
            "<li><code>ot-engineering</code>: nobody on call Sun 22 Nov 09:00 to Mon 23 Nov 06:00"
        ),
        "the gaps in words"
    );
    assert!(
        html.contains("<title>GAP in ot-engineering: nobody on call"),
        "the gap in the picture"
    );
    assert!(html.contains(">GAP</text>"));
    for line in doc_lines(1) {
        assert!(
            html.contains(&line),
            "docs/report.md shows a line the report lacks: {line}"
        );
    }
}

#[test]
fn hostile_names_are_escaped_and_a_link_at_out_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let base = include_str!("../fixtures/base-plant.yaml").replace(
        "{ id: alice, name: Alice Martin, backup: chen }",
        "{ id: alice, name: \"<script>alert(1)</script> & 'Alice'\", backup: chen }",
    );
    let rb = tmp.path().join("rb");
    std::fs::create_dir(&rb).unwrap();
    std::fs::write(rb.join("00-base.yaml"), base).unwrap();
    let html = report(&rb, &tmp.path().join("map.html"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;Alice&#39;"));
    assert_self_contained_and_accessible(&html);
    std::fs::write(tmp.path().join("victim"), "keep").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("victim"), tmp.path().join("link.html")).unwrap();
    Andon::new()
        .args(["report", rb.to_str().unwrap(), "--html"])
        .args([tmp.path().join("link.html").to_str().unwrap()])
        .run()
        .fails(2)
        .stderr_has("cannot write");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("victim")).unwrap(),
        "keep"
    );
}

/// Headless Chromium with scripting off, on `page`, with `args`.
fn chromium(page: &Path, args: &[&str]) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .args(["--disable-javascript", "--hide-scrollbars"])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap()
}

#[test]
fn the_report_renders_in_headless_chromium_as_a_screenshot_and_a_pdf() {
    if !installed("chromium") {
        eprintln!("skipped: `chromium` is not installed (apt-get install chromium)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("map.html");
    report(&root().join("runbooks/lyon-packaging"), &page);
    // A screenshot 1280 px wide.
    let png = tmp.path().join("map.png");
    let shot = chromium(
        &page,
        &[
            "--window-size=1280,2000",
            &format!("--screenshot={}", png.display()),
        ],
    );
    assert!(
        png.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    assert_eq!(width, 1280);
    assert!(bytes.len() > 50_000, "a screenshot with something on it");
    // A PDF, and its text when pdftotext is there.
    let pdf = tmp.path().join("map.pdf");
    let printed = chromium(
        &page,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    assert!(
        pdf.exists(),
        "no PDF: {}",
        String::from_utf8_lossy(&printed.stderr)
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    if installed("pdftotext") {
        let text = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        for key in [
            "Authority map of Lyon packaging plant",
            "Content hash",
            "Coverage",
            "On-call timeline",
            "Escalation graph",
            "Alice Martin",
            "vendor-acme-remote",
        ] {
            assert!(text.contains(key), "the PDF lacks {key:?}");
        }
    } else {
        eprintln!(
            "skipped: `pdftotext` is not installed (apt-get install poppler-utils); the PDF's text is not read"
        );
    }
    // The DOM Chromium parsed passes the same accessibility checks.
    let dom = chromium(&page, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("Authority map of Lyon packaging plant"),
        "{dom}"
    );
    assert_self_contained_and_accessible(&dom);
}

#[test]
fn without_graphviz_the_graph_is_a_table_and_the_page_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("map.html");
    let run = Command::new(env!("CARGO_BIN_EXE_andon"))
        .args([
            "report",
            shipped().to_str().unwrap(),
            "--html",
            out.to_str().unwrap(),
        ])
        .args(["--from", FROM])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Graphviz (<code>dot</code>) is not installed here"));
    assert!(html.contains(
        "<tr><td>shift-lead (role)</td><td>plant-manager</td><td>escalates to</td></tr>"
    ));
    assert_self_contained_and_accessible(&html);
    if installed("dot") {
        let drawn = report(&shipped(), &tmp.path().join("drawn.html"));
        assert!(drawn.contains("Drawn by Graphviz (<code>dot</code>)"));
        assert!(drawn.contains("<svg role=\"img\" aria-label=\"Escalation graph"));
    } else {
        eprintln!(
            "skipped: `dot` is not installed (apt-get install graphviz); the drawn graph is not checked"
        );
    }
}

#[test]
fn the_example_in_report_md_is_what_the_binary_prints() {
    let doc = std::fs::read_to_string(root().join("docs/report.md")).unwrap();
    let command =
        "andon report runbooks/lyon-packaging --html authority-map.html --from 2026-11-22T09:00";
    let start = doc.find(&format!("$ {command}\n")).unwrap() + command.len() + 3;
    let expected = &doc[start..start + doc[start..].find("```").unwrap()];
    let tmp = tempfile::tempdir().unwrap();
    let runbooks = tmp.path().join("runbooks");
    std::fs::create_dir(&runbooks).unwrap();
    let status = Command::new("cp")
        .arg("-r")
        .arg(shipped())
        .arg(&runbooks)
        .status()
        .unwrap();
    assert!(status.success());
    let run = Andon::new()
        .in_dir(tmp.path())
        .args(command.split_whitespace().skip(1))
        .run()
        .success();
    assert_eq!(run.stdout(), expected);
}
