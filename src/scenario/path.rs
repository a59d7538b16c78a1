//! JSON paths (`treaties[2].obligations[0].trigger.regions[1]`) and finding where they stand in
//! the source text, so every error can name a line and column.

use std::fmt;

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Segment {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// A path from the document root to a value, written `actors[3].regions[0]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonPath(Vec<Segment>);

impl JsonPath {
    /// The root of the document.
    pub fn root() -> Self {
        JsonPath(Vec::new())
    }

    /// This path extended by an object member.
    pub fn key(&self, key: &str) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.to_owned()));
        JsonPath(segments)
    }

    /// This path extended by an array element.
    pub fn index(&self, index: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        JsonPath(segments)
    }

    /// This path followed by another.
    pub fn join(&self, rest: &JsonPath) -> Self {
        JsonPath(self.0.iter().chain(&rest.0).cloned().collect())
    }

    /// The segments from the root.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// The value at this path in `root`, if there is one.
    pub fn get<'v>(&self, root: &'v serde_json::Value) -> Option<&'v serde_json::Value> {
        self.0.iter().try_fold(root, |v, segment| match segment {
            Segment::Key(k) => v.get(k),
            Segment::Index(i) => v.get(i),
        })
    }

    /// Converts a path recorded by `serde_path_to_error`.
    pub(crate) fn from_serde(path: &serde_path_to_error::Path) -> Self {
        use serde_path_to_error::Segment as S;
        JsonPath(
            path.iter()
                .filter_map(|segment| match segment {
                    S::Seq { index } => Some(Segment::Index(*index)),
                    S::Map { key } => Some(Segment::Key(key.clone())),
                    S::Enum { variant } => Some(Segment::Key(variant.clone())),
                    S::Unknown => None,
                    // `Segment` is non-exhaustive; a future kind carries no position we can use.
                    #[allow(unreachable_patterns)]
                    _ => None,
                })
                .collect(),
        )
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) if i == 0 => f.write_str(key)?,
                Segment::Key(key) => write!(f, ".{key}")?,
            }
        }
        Ok(())
    }
}

/// A 1-based line and column (in characters) in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, counted in characters.
    pub column: usize,
}

impl Position {
    /// The position of a byte offset in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Position { line, column }
    }
}

/// Finds the position of the value at `path` in the JSON `text`, or of the deepest part of the
/// path that exists. Works without recursion, so any nesting depth is safe; returns `None` only if
/// the text is not a JSON value at all.
pub fn locate(text: &str, path: &JsonPath) -> Option<Position> {
    let bytes = text.as_bytes();
    let mut at = skip_ws(bytes, 0);
    if at >= bytes.len() {
        return None;
    }
    for segment in path.segments() {
        match find_child(bytes, at, segment) {
            Some(child) => at = child,
            None => break,
        }
    }
    Some(Position::of_offset(text, at))
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r') {
        at += 1;
    }
    at
}

/// The offset of the child `segment` of the container starting at `at`.
fn find_child(bytes: &[u8], at: usize, segment: &Segment) -> Option<usize> {
    match (bytes.get(at)?, segment) {
        (b'{', Segment::Key(wanted)) => {
            let mut i = skip_ws(bytes, at + 1);
            while bytes.get(i) == Some(&b'"') {
                let (key, after_key) = read_string(bytes, i)?;
                i = skip_ws(bytes, after_key);
                if bytes.get(i) != Some(&b':') {
                    return None;
                }
                let value = skip_ws(bytes, i + 1);
                if key == *wanted {
                    return Some(value);
                }
                i = skip_ws(bytes, skip_value(bytes, value)?);
                if bytes.get(i) == Some(&b',') {
                    i = skip_ws(bytes, i + 1);
                }
            }
            None
        }
        (b'[', Segment::Index(wanted)) => {
            let mut i = skip_ws(bytes, at + 1);
            let mut index = 0;
            while i < bytes.len() && bytes[i] != b']' {
                if index == *wanted {
                    return Some(i);
                }
                i = skip_ws(bytes, skip_value(bytes, i)?);
                if bytes.get(i) == Some(&b',') {
                    i = skip_ws(bytes, i + 1);
                }
                index += 1;
            }
            None
        }
        _ => None,
    }
}

/// Reads the string starting at `at` (a `"`), returning its unescaped text and the offset after it.
fn read_string(bytes: &[u8], at: usize) -> Option<(String, usize)> {
    let mut out = Vec::new();
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), i + 1)),
            b'\\' => {
                let escaped = *bytes.get(i + 1)?;
                match escaped {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'u' => {
                        let hex = std::str::from_utf8(bytes.get(i + 2..i + 6)?).ok()?;
                        let c = u32::from_str_radix(hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .unwrap_or(char::REPLACEMENT_CHARACTER);
                        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        i += 4;
                    }
                    other => out.push(other),
                }
                i += 2;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// The offset just after the value starting at `at`, skipping nested containers with a depth
/// counter rather than recursion.
fn skip_value(bytes: &[u8], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = at;
    loop {
        match *bytes.get(i)? {
            b'"' => {
                i = read_string(bytes, i)?.1;
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            _ if depth == 0 => {
                // A scalar: runs to the next delimiter.
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    i += 1;
                }
                return Some(i);
            }
            _ => i += 1,
        }
        if depth == 0 {
            return Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"a\": [1, {\"b\": \"x\\\"y\"}, [2, 3]],\n  \"c\": {\"d\": true}\n}";

    #[test]
    fn displays_like_a_field_access() {
        let path = JsonPath::root()
            .key("treaties")
            .index(2)
            .key("obligations")
            .index(0);
        assert_eq!(path.to_string(), "treaties[2].obligations[0]");
        assert_eq!(JsonPath::root().to_string(), "(top level)");
    }

    #[test]
    fn finds_nested_values() {
        let at = |path: JsonPath| locate(TEXT, &path).unwrap();
        assert_eq!(at(JsonPath::root()), Position { line: 1, column: 1 });
        assert_eq!(
            at(JsonPath::root().key("a")),
            Position { line: 2, column: 8 }
        );
        assert_eq!(
            at(JsonPath::root().key("a").index(1).key("b")),
            Position {
                line: 2,
                column: 18
            }
        );
        assert_eq!(
            at(JsonPath::root().key("a").index(2).index(1)),
            Position {
                line: 2,
                column: 31
            }
        );
        assert_eq!(
            at(JsonPath::root().key("c").key("d")),
            Position {
                line: 3,
                column: 14
            }
        );
    }

    #[test]
    fn falls_back_to_the_deepest_existing_prefix() {
        let missing = JsonPath::root().key("c").key("nope");
        assert_eq!(
            locate(TEXT, &missing),
            Some(Position { line: 3, column: 8 })
        );
        let past_end = JsonPath::root().key("a").index(9);
        assert_eq!(
            locate(TEXT, &past_end),
            Some(Position { line: 2, column: 8 })
        );
        assert_eq!(locate("   ", &missing), None);
    }

    #[test]
    fn columns_count_characters() {
        let text = "{\"é\": [\"ü\", 7]}";
        let path = JsonPath::root().key("é").index(1);
        assert_eq!(
            locate(text, &path),
            Some(Position {
                line: 1,
                column: 13
            })
        );
    }
}
