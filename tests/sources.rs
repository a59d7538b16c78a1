//! Every `SOURCES.md KEY` cited anywhere in the repository is defined in docs/SOURCES.md: a section
//! (`A2`, `B2.1`) as a heading, a numbered source (`S8`) as a list entry.

use std::path::{Path, PathBuf};

/// The files that may cite sources: scenarios, docs, README, code.
fn citing_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                citing_files(&path, out);
            }
        } else if ["json", "md", "rs"]
            .iter()
            .any(|e| name.ends_with(&format!(".{e}")))
        {
            out.push(path);
        }
    }
}

/// The keys cited after each `SOURCES.md` in a text: `A2`, `B2.1`, `S8`, both ends of `S14-S25`.
fn cited(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for (at, _) in text.match_indices("SOURCES.md") {
        let rest = &text[at + "SOURCES.md".len()..];
        // The keys follow, separated by commas, semicolons, "and" and dashes.
        for word in rest
            .split(|c: char| c.is_whitespace() || ",;-–()`".contains(c))
            .filter(|w| !w.is_empty())
            .take_while(|w| *w == "and" || is_key(w))
        {
            if word != "and" {
                keys.push(word.to_owned());
            }
        }
    }
    keys
}

fn is_key(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some('A' | 'B' | 'S'))
        && !chars.as_str().is_empty()
        && chars.all(|c| c.is_ascii_digit() || c == '.')
        && !word.ends_with('.')
}

/// The keys docs/SOURCES.md defines.
fn defined(doc: &str) -> Vec<String> {
    doc.lines()
        .filter_map(|line| {
            let key = if let Some(h) = line.strip_prefix("### ") {
                h.split_whitespace().next()?.trim_end_matches('.')
            } else {
                line.strip_prefix("- **")?.split("**").next()?
            };
            is_key(key).then(|| key.to_owned())
        })
        .collect()
}

#[test]
fn keys_are_read_from_citations() {
    assert_eq!(cited("(SOURCES.md A2, S8)."), ["A2", "S8"]);
    assert_eq!(
        cited("SOURCES.md A2 and A3 (S14-S25). Capabilities"),
        ["A2", "A3", "S14", "S25"]
    );
    assert_eq!(
        cited("SOURCES.md B2.1): rates; SOURCES.md B3; van"),
        ["B2.1", "B3"]
    );
    assert_eq!(
        defined("### B2.1 How often\n### A2. Clauses\n- **S8** Reporting"),
        ["B2.1", "A2", "S8"]
    );
}

#[test]
fn every_cited_source_is_defined() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/SOURCES.md")).unwrap();
    let defined = defined(&doc);
    let mut files = Vec::new();
    citing_files(root, &mut files);
    let mut missing = Vec::new();
    let mut count = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for key in cited(&text) {
            count += 1;
            if !defined.contains(&key) {
                missing.push(format!("{}: SOURCES.md {key}", file.display()));
            }
        }
    }
    assert!(count > 50, "only {count} citations found");
    assert!(
        missing.is_empty(),
        "cited but not in docs/SOURCES.md:\n{}",
        missing.join("\n")
    );
}
