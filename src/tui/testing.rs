//! Shared by the screen tests: snapshots as a terminal shows them, and the
//! screens that docs/console.md and docs/replay.md show, kept equal to them.

/// The text of the insta snapshot at `path` (from the crate root): its
/// quoted lines, without the quotes and trailing spaces.
pub fn snapshot_text(path: &str) -> String {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter_map(|l| l.strip_prefix('"').and_then(|l| l.strip_suffix('"')))
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `doc` with the text block after each `<!-- screen: NAME -->` replaced by
/// `screen(NAME)`, and how many screens it shows.
pub fn with_screens(doc: &str, screen: impl Fn(&str) -> String) -> (String, usize) {
    let mut out = String::new();
    let mut rest = doc;
    let mut screens = 0;
    while let Some(at) = rest.find("<!-- screen: ") {
        let (before, marker) = rest.split_at(at);
        out.push_str(before);
        let name_end = marker.find(" -->").expect("a marker ends with -->");
        let name = &marker["<!-- screen: ".len()..name_end];
        // The block that follows the marker is replaced; a marker with no
        // block right after it gets one, and takes nothing below it.
        let after_marker = name_end + " -->\n".len();
        let block_end = if marker[after_marker..].starts_with("```text\n") {
            marker[after_marker..]
                .find("\n```\n")
                .map_or(after_marker, |end| after_marker + end + 5)
        } else {
            after_marker
        };
        out.push_str(&format!(
            "<!-- screen: {name} -->\n```text\n{}\n```\n",
            screen(name)
        ));
        rest = &marker[block_end..];
        screens += 1;
    }
    out.push_str(rest);
    (out, screens)
}
