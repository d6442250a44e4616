//! The HTML every report is made of (the authority map, the after-action
//! and incident reports): escaping, the page around the sections, and a
//! Markdown report as HTML. Everything is inline (CSS in a `<style>`, pictures as SVG): no
//! script, no font, nothing fetched, so the file opens the same on a plant
//! machine with no network and with scripting off. Every text from the
//! runbook goes through [`esc`].

use std::fmt::Write as _;

/// `text` escaped for HTML text and attribute values (both quotes included);
/// control characters become spaces.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Colours are never the only carrier: every cell and bar also says in
/// words what its colour means.
const STYLE: &str = "
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #bbb; }
table { border-collapse: collapse; margin: .6rem 0; }
th, td { border: 1px solid #999; padding: .25rem .45rem; vertical-align: top; text-align: left; }
thead th { background: #eee; }
td.now { background: #cdeccd; } td.ok { background: #e8f4c8; } td.slow { background: #ffe0a6; }
td.gap, td.bad { background: #f7b9b3; font-weight: 600; } td.forbid { background: #d9d9f2; }
.legend span { display: inline-block; padding: 0 .5rem; margin-right: .4rem; border: 1px solid #999; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dl.meta dt { font-weight: 600; } code { font-size: .9em; }
svg text { font: 12px system-ui, sans-serif; } .err { color: #8a1c12; font-weight: 600; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; font-size: .8em; }
@page { size: A4; margin: 14mm; }
@media print { body { margin: 0; max-width: none; font-size: 11px; } h2 { break-after: avoid; } tr, figure, pre { break-inside: avoid; } }
";

/// A whole page: `title` in `<title>` and `<h1>`, then `body`.
pub fn page(title: &str, body: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n{body}</body>\n</html>\n",
        title = esc(title),
    );
    out
}

/// A Markdown report (the after-action report) as the body of a [`page`]:
/// tables, headings, lists and code blocks as HTML (pulldown-cmark, the
/// CommonMark parser rustdoc uses). Raw HTML in the text is shown as text,
/// never passed through: a name in a runbook cannot add a script or a link.
pub fn from_markdown(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        e => e,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::{esc, from_markdown};

    #[test]
    fn raw_html_in_a_markdown_report_is_shown_as_text() {
        let html = from_markdown(
            "| who | why |\n|---|---|\n| <script>alert(1)</script> | <a href=x>y</a> |\n\n<img src=x onerror=y>\n",
        );
        assert!(html.contains("<th>who</th>"), "{html}");
        assert!(
            !html.contains("<script") && !html.contains("<a ") && !html.contains("<img"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn markup_quotes_and_control_characters_are_escaped() {
        assert_eq!(
            esc("<script>a & 'b' \"c\"</script>\u{1b}[31m"),
            "&lt;script&gt;a &amp; &#39;b&#39; &quot;c&quot;&lt;/script&gt; [31m"
        );
    }
}
