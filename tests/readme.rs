//! Every output README.md shows is what its command prints.
//!
//! A ` ```text ` block whose first line is `$ COMMAND` is a case: the command is run (the `casus`
//! binary for `cargo run --release -- ARGS`, an example's binary for `cargo run [--release] --example
//! NAME -- ARGS`) and what it writes (standard output, then standard error) must match the rest of the
//! block. A line `...` in the block stands for any number of lines, so a block can show part of a long
//! output; every other line must match exactly and in order.
//!
//! `CASUS_BLESS=1 cargo test --release` rewrites the blocks with what the commands print now: a whole
//! block is replaced, and in a block with `...` each shown line is replaced by the output line of the
//! same shape (the same words once numbers are set aside), so the block keeps showing the same rows.

mod common;

use std::path::Path;
use std::process::Command;

/// One checked block of README.md.
struct Case {
    /// The command, as README.md shows it after `$ `.
    command: String,
    /// Byte range in README.md of the block's body (after the command line, before the fence).
    body: std::ops::Range<usize>,
}

/// The checked blocks of a Markdown text.
fn cases(markdown: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut at = 0;
    while let Some(open) = markdown[at..].find("```text\n") {
        let start = at + open + "```text\n".len();
        let close = start
            + markdown[start..]
                .find("```")
                .expect("every text block is closed");
        let block = &markdown[start..close];
        if let Some(rest) = block.strip_prefix("$ ") {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            cases.push(Case {
                command: rest[..line_end].to_owned(),
                body: start + 2 + line_end + 1..close,
            });
        }
        at = close + 3;
    }
    cases
}

/// Splits a command line as a POSIX shell would for the quoting README.md uses: single quotes,
/// double quotes and backslash escapes.
fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// The program and arguments a README command stands for.
fn program(command: &str) -> (std::path::PathBuf, Vec<String>) {
    let words = split_words(command);
    let dash = words
        .iter()
        .position(|w| w == "--")
        .unwrap_or_else(|| panic!("`{command}`: expected `cargo run ... -- ARGS`"));
    let (cargo, args) = (&words[..dash], words[dash + 1..].to_vec());
    assert!(
        cargo.starts_with(&["cargo".into(), "run".into()]),
        "`{command}`: expected `cargo run`"
    );
    let casus = Path::new(env!("CARGO_BIN_EXE_casus"));
    match cargo.iter().position(|w| w == "--example") {
        None => (casus.to_path_buf(), args),
        Some(i) => (example(&cargo[i + 1]), args),
    }
}

/// The binary of an example, built with this test's profile if `cargo test` has not built it.
fn example(name: &str) -> std::path::PathBuf {
    let profile_dir = Path::new(env!("CARGO_BIN_EXE_casus")).parent().unwrap();
    let path = profile_dir.join("examples").join(name);
    if !path.exists() {
        let mut build = Command::new(env!("CARGO"));
        build
            .args(["build", "--example", name])
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if profile_dir.ends_with("release") {
            build.arg("--release");
        }
        assert!(
            build.status().expect("cargo runs").success(),
            "example {name} builds"
        );
    }
    path
}

/// What a README command prints: standard output, then standard error.
fn output_of(command: &str) -> String {
    let (program, args) = program(command);
    let out = Command::new(&program)
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text
}

/// Matches shown lines, where `...` stands for any number of lines, against actual lines, by `same`;
/// returns for each shown line the index of the actual line it matched (`None` for `...`).
fn align(
    shown: &[&str],
    actual: &[&str],
    same: &dyn Fn(&str, &str) -> bool,
) -> Option<Vec<Option<usize>>> {
    fn go(
        shown: &[&str],
        actual: &[&str],
        at: usize,
        same: &dyn Fn(&str, &str) -> bool,
        out: &mut Vec<Option<usize>>,
    ) -> bool {
        let Some((first, rest)) = shown.split_first() else {
            return at == actual.len();
        };
        if *first == "..." {
            out.push(None);
            for skip in at..=actual.len() {
                if go(rest, actual, skip, same, out) {
                    return true;
                }
            }
            out.pop();
            return false;
        }
        if at < actual.len() && same(first, actual[at]) {
            out.push(Some(at));
            if go(rest, actual, at + 1, same, out) {
                return true;
            }
            out.pop();
        }
        false
    }
    let mut out = Vec::new();
    go(shown, actual, 0, same, &mut out).then_some(out)
}

/// A line's words once every word with a digit in it is set aside: what stays when figures change.
fn shape(line: &str) -> Vec<&str> {
    line.split_whitespace()
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .collect()
}

/// The block's new body after a bless, or why it cannot be made.
fn blessed(shown: &str, actual: &str) -> Result<String, String> {
    if !shown.lines().any(|l| l == "...") {
        return Ok(actual.to_owned());
    }
    let shown: Vec<&str> = shown.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let alignment = align(&shown, &actual, &|a, b| shape(a) == shape(b)).ok_or(
        "its shown lines no longer match the output's lines by shape; edit the block by hand",
    )?;
    let mut body = String::new();
    for (line, matched) in shown.iter().zip(alignment) {
        body.push_str(matched.map_or(line, |i| actual[i]));
        body.push('\n');
    }
    Ok(body)
}

#[test]
fn words_split_as_a_shell_splits_them() {
    assert_eq!(
        split_words(r#"a 'b c' "d \"e\"" f\ g"#),
        ["a", "b c", "d \"e\"", "f g"]
    );
    assert_eq!(
        split_words("x --set 'k=[{\"a\": 1}]'"),
        ["x", "--set", "k=[{\"a\": 1}]"]
    );
}

#[test]
fn elided_blocks_match_in_order_and_bless_by_shape() {
    let same = |a: &str, b: &str| a == b;
    let actual = ["head", "  A  1.0 %", "  B  2.0 %", "tail"];
    assert!(align(&["head", "...", "tail"], &actual, &same).is_some());
    assert!(align(&["head", "...", "  B  2.0 %", "..."], &actual, &same).is_some());
    assert!(align(&["head", "tail"], &actual, &same).is_none());
    assert!(align(&["...", "  B  2.0 %", "  A  1.0 %", "..."], &actual, &same).is_none());
    let now = "head\n  A  1.5 %\n  B  12.5 %\ntail\n";
    assert_eq!(
        blessed("head\n...\n  B  2.0 %\n...\n", now).unwrap(),
        "head\n...\n  B  12.5 %\n...\n"
    );
    assert!(blessed("head\n...\n  C  2.0 %\n...\n", now).is_err());
    assert_eq!(blessed("old\n", "new\n").unwrap(), "new\n");
}

#[test]
fn readme_outputs_are_what_the_commands_print() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let cases = cases(&readme);
    assert!(cases.len() >= 8, "README.md shows {} outputs", cases.len());
    // The commands run side by side; each is deterministic whatever else the machine is doing.
    let outputs: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|case| scope.spawn(|| output_of(&case.command)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let bless = common::blessing();
    let mut new_readme = readme.clone();
    let mut stale = Vec::new();
    // From the last block to the first, so that earlier byte ranges stay valid.
    for (case, actual) in cases.iter().zip(&outputs).rev() {
        let shown = &readme[case.body.clone()];
        let shown_lines: Vec<&str> = shown.lines().collect();
        let actual_lines: Vec<&str> = actual.lines().collect();
        if align(&shown_lines, &actual_lines, &|a, b| a == b).is_some() {
            continue;
        }
        if bless {
            match blessed(shown, actual) {
                Ok(body) => new_readme.replace_range(case.body.clone(), &body),
                Err(why) => stale.push(format!("$ {}\n{why}", case.command)),
            }
        } else {
            stale.push(format!("$ {}\nprints:\n{actual}", case.command));
        }
    }
    if bless && new_readme != readme {
        std::fs::write(&path, &new_readme).unwrap();
    }
    assert!(
        stale.is_empty(),
        "README.md shows outputs its commands no longer print (CASUS_BLESS=1 rewrites them):\n\n{}",
        stale.join("\n\n")
    );
}

/// The quick start README.md shows is the crate documentation's, which runs as a doctest.
#[test]
fn the_readme_quick_start_is_the_tested_one() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
    let start = readme.find("```rust\n").expect("README.md shows Rust code") + "```rust\n".len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let doc: Vec<&str> = lib.lines().filter_map(|l| l.strip_prefix("//! ")).collect();
    for line in block.lines().filter(|l| !l.is_empty()) {
        assert!(
            doc.contains(&line),
            "the crate docs' quick start lacks: {line}"
        );
    }
}

/// The Slurm recipe README.md shows is the job script CI submits (`.ci/slurm.sh`), not a copy.
#[test]
fn the_readme_slurm_recipe_is_the_submitted_script() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let script = std::fs::read_to_string(format!("{root}/scripts/slurm/shards.sh")).unwrap();
    assert!(
        readme.contains(&format!("```sh\n{script}```")),
        "README.md does not show scripts/slurm/shards.sh as it is"
    );
    let ci = std::fs::read_to_string(format!("{root}/.ci/slurm.sh")).unwrap();
    assert!(ci.contains("scripts/slurm/shards.sh"));
}
