//! A small scanner of Rust source for `tests/layers.rs`: the `crate::` and `super::` paths a
//! file refers to, with comments and literals blanked out (intra-doc links counted too).

/// `text` with comments and the contents of string and char literals blanked out (newlines
/// kept), so that offsets and line numbers stay those of the file.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.extend("  ".chars());
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.extend("  ".chars());
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == '"' {
            // A raw string `r#"..."#` has its hashes (already copied) right before the quote.
            let hashes = out.iter().rev().take_while(|&&h| h == '#').count();
            let before = out.len() - hashes;
            let raw = before > 0
                && out[before - 1] == 'r'
                && (before < 2 || !ident(out[before - 2]) || out[before - 2] == 'b');
            out.push('"');
            i += 1;
            while i < chars.len() {
                if !raw && chars[i] == '\\' {
                    out.push(' ');
                    out.push(blank(chars.get(i + 1).copied().unwrap_or(' ')));
                    i += 2;
                } else if chars[i] == '"'
                    && (!raw || (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')))
                {
                    out.push('"');
                    i += 1;
                    break;
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A char literal ('x', '\n', '\u{7f}'); anything else after a quote is a lifetime.
            out.push('\'');
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                let skip = if chars[i] == '\\' { 2 } else { 1 };
                out.extend(std::iter::repeat_n(' ', skip));
                i += skip;
            }
            out.push('\'');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// What one file refers to.
#[derive(Debug, Default)]
pub struct Refs {
    /// `(line, module)` of every `crate::module` path.
    pub crate_paths: Vec<(usize, String)>,
    /// `(line, number of supers, enclosing inline modules)` of every `super::` path.
    pub super_paths: Vec<(usize, usize, usize)>,
}

/// The first path segment of each item of a `{...}` group that starts at `open` (a `{`).
fn group_items(code: &[char], open: usize) -> Vec<(usize, String)> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut at_item = true;
    let mut i = open;
    while i < code.len() {
        match code[i] {
            '{' => {
                depth += 1;
                if depth == 1 {
                    at_item = true;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => at_item = true,
            c if depth == 1 && at_item && (c.is_alphanumeric() || c == '_') => {
                let start = i;
                while i < code.len() && (code[i].is_alphanumeric() || code[i] == '_') {
                    i += 1;
                }
                items.push((start, code[start..i].iter().collect()));
                at_item = false;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    items
}

pub fn scan(text: &str) -> Refs {
    let code: Vec<char> = code_only(text).chars().collect();
    let mut line_of = Vec::with_capacity(code.len());
    let mut line = 1;
    for &c in &code {
        line_of.push(line);
        if c == '\n' {
            line += 1;
        }
    }
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let word_at = |i: usize, w: &str| {
        let w: Vec<char> = w.chars().collect();
        code.get(i..i + w.len()) == Some(&w[..])
            && (i == 0 || !ident(code[i - 1]))
            && code.get(i + w.len()).is_none_or(|&c| !ident(c))
    };
    let skip_ws = |mut i: usize| {
        while i < code.len() && code[i].is_whitespace() {
            i += 1;
        }
        i
    };
    let mut refs = Refs::default();
    let mut braces = 0usize;
    // Brace depths at which inline `mod name {` blocks opened.
    let mut inline_mods: Vec<usize> = Vec::new();
    let mut pending_mod = false;
    let mut i = 0;
    while i < code.len() {
        match code[i] {
            '{' => {
                braces += 1;
                if pending_mod {
                    inline_mods.push(braces);
                    pending_mod = false;
                }
            }
            '}' => {
                if inline_mods.last() == Some(&braces) {
                    inline_mods.pop();
                }
                braces = braces.saturating_sub(1);
            }
            ';' => pending_mod = false,
            _ if word_at(i, "mod") => pending_mod = true,
            _ if word_at(i, "crate") && code.get(i + 5..i + 7) == Some(&[':', ':'][..]) => {
                let after = skip_ws(i + 7);
                if code.get(after) == Some(&'{') {
                    for (at, item) in group_items(&code, after) {
                        if item != "self" {
                            refs.crate_paths.push((line_of[at], item));
                        }
                    }
                } else {
                    let end = (after..code.len())
                        .find(|&j| !ident(code[j]))
                        .unwrap_or(code.len());
                    let name: String = code[after..end].iter().collect();
                    if !name.is_empty() {
                        refs.crate_paths.push((line_of[i], name));
                    }
                }
                i += 7;
                continue;
            }
            _ if word_at(i, "super") && code.get(i + 5..i + 7) == Some(&[':', ':'][..]) => {
                let mut supers = 0;
                let mut j = i;
                while word_at(j, "super") && code.get(j + 5..j + 7) == Some(&[':', ':'][..]) {
                    supers += 1;
                    j = skip_ws(j + 7);
                }
                refs.super_paths
                    .push((line_of[i], supers, inline_mods.len()));
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Intra-doc links point one way too: `[`X`](crate::m::X)` in a doc comment.
    for (n, line) in text.lines().enumerate() {
        let doc = line.trim_start();
        if !(doc.starts_with("///") || doc.starts_with("//!")) {
            continue;
        }
        for (at, _) in doc.match_indices("](crate::") {
            let name: String = doc[at + 9..].chars().take_while(|&c| ident(c)).collect();
            if !name.is_empty() {
                refs.crate_paths.push((n + 1, name));
            }
        }
    }
    refs
}
