//! Errors from reading and checking scenario files.

use std::fmt;
use std::io;

use super::path::{JsonPath, Position};

/// One problem found in a scenario: where it is and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where in the document, as a JSON path.
    pub path: JsonPath,
    /// Line and column in the file, when the scenario came from text.
    pub position: Option<Position>,
    /// What is wrong and what was expected.
    pub message: String,
    /// A likely fix, such as the known id nearest to an unknown one.
    pub suggestion: Option<String>,
    /// The override (`--set PATH=VALUE`, as given) that put the value there, when it does not
    /// come from the file: the problem is then in the override, not at a line of the file.
    pub set_by: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at `path` with no position yet.
    pub fn new(path: JsonPath, message: impl Into<String>) -> Self {
        Diagnostic {
            path,
            position: None,
            message: message.into(),
            suggestion: None,
            set_by: None,
        }
    }

    /// The same diagnostic with a suggestion.
    pub fn suggest(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(set_by) = &self.set_by {
            write!(f, "--set {set_by}: ")?;
        } else if let Some(Position { line, column }) = self.position {
            write!(f, "line {line}, column {column}: ")?;
        }
        write!(f, "{}: {}", self.path, self.message)?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, "; {suggestion}")?;
        }
        Ok(())
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Read {
        /// The file's name as given.
        file: String,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The file is larger than any scenario casus accepts.
    #[error(
        "{file}: the file has at least {size} bytes, more than the {limit}-byte limit for a \
         scenario; is this the right file?"
    )]
    TooLarge {
        /// The file's name as given.
        file: String,
        /// Its size in bytes (of a stream, the bytes read before the limit was passed).
        size: u64,
        /// The limit ([`MAX_FILE_BYTES`](super::MAX_FILE_BYTES)).
        limit: u64,
    },
    /// The file was read but is not a valid scenario; every problem found is listed.
    #[error("{}", render_invalid(file, diagnostics))]
    Invalid {
        /// The file's name as given.
        file: String,
        /// Every problem found, in document order.
        diagnostics: Vec<Diagnostic>,
    },
}

impl ScenarioError {
    /// The problems found, if the file was read.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ScenarioError::Invalid { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }
}

fn render_invalid(file: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match (&d.set_by, d.position) {
            (Some(set_by), _) => out.push_str(&format!("{file}: --set {set_by}: ")),
            (None, Some(Position { line, column })) => {
                out.push_str(&format!("{file}:{line}:{column}: "))
            }
            (None, None) => out.push_str(&format!("{file}: ")),
        }
        out.push_str(&format!("{}: {}", d.path, d.message));
        if let Some(suggestion) = &d.suggestion {
            out.push_str(&format!("; {suggestion}"));
        }
    }
    out
}
