//! YAML text helpers: scalar quoting, flow lists, system names in sentences.

/// A scalar as YAML text: plain when it cannot be misread (in block or flow
/// context), double-quoted otherwise.
pub fn sc(s: &str) -> String {
    let plain = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !s.ends_with(' ')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " -./()';".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        );
    if plain {
        s.to_string()
    } else {
        let mut q = String::with_capacity(s.len() + 2);
        q.push('"');
        for c in s.chars() {
            match c {
                '"' => q.push_str("\\\""),
                '\\' => q.push_str("\\\\"),
                c => q.push(c),
            }
        }
        q.push('"');
        q
    }
}

/// A system name inside a sentence: "the line 01 main PLC", "the Active Directory".
pub fn the(name: &str) -> String {
    let mut chars = name.chars();
    let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
        return format!("the {name}");
    };
    if second.is_lowercase() && !name.starts_with("Active ") {
        format!("the {}{}", first.to_lowercase(), &name[first.len_utf8()..])
    } else {
        format!("the {name}")
    }
}

/// `[a, b, c]`.
pub fn flow_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut s = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&sc(item.as_ref()));
    }
    s.push(']');
    s
}
