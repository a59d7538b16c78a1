//! Scenario files: the JSON format, loading with precise errors, validation and the JSON Schema.
//!
//! ```
//! let text = r#"{"casus": 1, "name": "toy", "step": "month", "steps": 12,
//!   "actors": [{"id": "A", "name": "Alpha", "capability": 1.0},
//!              {"id": "B", "name": "Beta", "capability": 1.0}]}"#;
//! let scenario = casus::scenario::parse(text, "toy.json").unwrap();
//! assert_eq!(scenario.actors.len(), 2);
//!
//! let err = casus::scenario::parse(&text.replace("\"B\", \"name\"", "\"A\", \"name\""), "toy.json")
//!     .unwrap_err();
//! assert!(err.to_string().contains("toy.json:3:"));
//! assert!(err.to_string().contains("actors[1].id: duplicate actor id `A`"));
//! ```

mod error;
mod format;
mod overrides;
mod parameters;
mod path;
mod validate;
mod write;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use error::{Diagnostic, ScenarioError};
pub use format::*;
pub use overrides::{Override, OverrideError};
pub use path::{JsonPath, Position, Segment, locate};
pub use validate::{did_you_mean, event_id, limits, split_after, validate};
pub use write::to_json;

/// The path that names standard input.
pub const STDIN: &str = "-";

/// The largest scenario file casus reads, in bytes (32 MiB: the whole 2018 alliance network fits
/// many times over).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads, parses and validates a scenario file.
pub fn load(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
    load_with(path, &[])
}

/// Reads a scenario file, applies overrides in order, then parses and validates the result.
pub fn load_with(
    path: impl AsRef<Path>,
    overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    let path = path.as_ref();
    parse_with(&read_text(path)?, &path.display().to_string(), overrides)
}

/// Reads a scenario file's text: at most [`MAX_FILE_BYTES`], and UTF-8 (an error names the first
/// byte that is not). The path `-` is standard input. The text is read once: what is hashed into
/// results is what is parsed.
pub fn read_text(path: impl AsRef<Path>) -> Result<String, ScenarioError> {
    let path = path.as_ref();
    let file = path.display().to_string();
    let read_error = |source| ScenarioError::Read {
        file: file.clone(),
        source,
    };
    let too_large = |size| ScenarioError::TooLarge {
        file: file.clone(),
        size,
        limit: MAX_FILE_BYTES,
    };
    let source: Box<dyn Read> = if path == Path::new(STDIN) {
        Box::new(std::io::stdin().lock())
    } else {
        let handle = File::open(path).map_err(read_error)?;
        let size = handle.metadata().map_err(read_error)?.len();
        if size > MAX_FILE_BYTES {
            return Err(too_large(size));
        }
        Box::new(handle)
    };
    // A file may have grown since its size was taken, and a pipe or a device (`/dev/zero`) has no
    // size: the read itself stops one byte past the limit.
    let bytes = crate::bounded::read_at_most(source, MAX_FILE_BYTES)
        .map_err(read_error)?
        .ok_or_else(|| too_large(MAX_FILE_BYTES + 1))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes());
        invalid(
            &file,
            vec![Diagnostic {
                position: Some(Position::of_offset(&text, at)),
                ..Diagnostic::new(JsonPath::root(), "the file is not valid UTF-8 text")
            }],
        )
    })
}

impl Scenario {
    /// One line on what the scenario holds: `8 actors, 6 treaties (11 obligations), 3 sanction
    /// regimes, 4 events, 120 steps of a month`.
    pub fn outline(&self) -> String {
        let obligations: usize = self.treaties.iter().map(|t| t.obligations.len()).sum();
        format!(
            "{}, {} ({}), {}, {}, {} of a {}",
            count(self.actors.len(), "actor"),
            count(self.treaties.len(), "treaty"),
            count(obligations, "obligation"),
            count(self.sanctions.len(), "sanction regime"),
            count(self.events.len(), "event"),
            count(self.steps as usize, "step"),
            self.step.name(),
        )
    }
}

/// "1 event", "2 events", "3 treaties".
fn count(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}

/// Parses and validates scenario text; `origin` names it in errors (a file name).
pub fn parse(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
    parse_with(text, origin, &[])
}

/// Parses scenario text, applies overrides in order, and validates the result.
pub fn parse_with(
    text: &str,
    origin: &str,
    overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(ScenarioError::TooLarge {
            file: origin.to_owned(),
            size: text.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    let mut value = parse_json(text).map_err(|d| invalid(origin, vec![d]))?;
    for o in overrides {
        o.apply(&mut value).map_err(|e| {
            invalid(
                origin,
                vec![Diagnostic::new(JsonPath::root(), e.to_string())],
            )
        })?;
    }
    from_value_located(&value, Some(text)).map_err(|mut diagnostics| {
        if !overrides.is_empty()
            && let Ok(file) = parse_json(text)
        {
            attribute_to_overrides(&mut diagnostics, file, overrides);
        }
        invalid(origin, diagnostics)
    })
}

/// A problem at a value an override put there is the override's, not the file's: names the last
/// override that changed the value at each diagnostic's path, replaying them on the file's
/// document, parsed again (only when there are problems: a valid scenario pays nothing for it).
fn attribute_to_overrides(diagnostics: &mut [Diagnostic], file: Value, overrides: &[Override]) {
    let mut stages = vec![file];
    for o in overrides {
        let mut next = stages[stages.len() - 1].clone();
        // Every override applied once already: it applies again.
        let _ = o.apply(&mut next);
        stages.push(next);
    }
    for d in diagnostics {
        if d.path.segments().is_empty() {
            continue;
        }
        let last_change = (0..overrides.len())
            .rev()
            .find(|&i| d.path.get(&stages[i]) != d.path.get(&stages[i + 1]));
        if let Some(i) = last_change {
            d.set_by = Some(overrides[i].to_string());
            d.position = None;
        }
    }
}

/// Deserializes and validates a scenario from a JSON value (no line numbers are known).
pub fn from_value(value: &Value, origin: &str) -> Result<Scenario, ScenarioError> {
    from_value_located(value, None).map_err(|ds| invalid(origin, ds))
}

/// The JSON Schema (draft 2020-12) of the scenario format, generated from the types, with the
/// valid range of every number that has one, so that an editor flags a reliability of 1.5 as it is
/// typed. The model parameters' ranges come from [`Parameters::ranges`], the list validation walks.
pub fn json_schema() -> Value {
    let mut schema = schemars::schema_for!(Scenario).to_value();
    if let Some(properties) = schema
        .pointer_mut("/$defs/Parameters/properties")
        .and_then(Value::as_object_mut)
    {
        for (name, _, lo, hi) in Parameters::default().ranges() {
            if let Some(Value::Object(property)) = properties.get_mut(name) {
                property.insert("minimum".into(), lo.into());
                property.insert("maximum".into(), hi.into());
            }
        }
    }
    schema
}

fn invalid(file: &str, diagnostics: Vec<Diagnostic>) -> ScenarioError {
    ScenarioError::Invalid {
        file: file.to_owned(),
        diagnostics,
    }
}

/// Parses JSON text, turning a syntax error into a located diagnostic.
fn parse_json(text: &str) -> Result<Value, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic {
            position: Some(Position { line: 1, column: 1 }),
            ..Diagnostic::new(
                JsonPath::root(),
                "the file is empty; expected a JSON object describing a scenario",
            )
        });
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: Value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| syntax_error(e.inner(), JsonPath::from_serde(e.path())))?;
    // Characters after the value are an error too.
    deserializer
        .end()
        .map_err(|e| syntax_error(&e, JsonPath::root()))?;
    Ok(value)
}

fn syntax_error(e: &serde_json::Error, path: JsonPath) -> Diagnostic {
    let message = strip_position(e);
    let (path, message) = if message.starts_with("recursion limit exceeded") {
        let message = "the JSON nests more than 128 levels deep; a scenario never needs that";
        (JsonPath::root(), message.to_owned())
    } else {
        (path, format!("invalid JSON: {message}"))
    };
    Diagnostic {
        position: Some(Position {
            line: e.line(),
            column: e.column(),
        }),
        ..Diagnostic::new(path, message)
    }
}

/// serde_json's message without its " at line L column C" suffix, which diagnostics carry apart.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

fn from_value_located(value: &Value, text: Option<&str>) -> Result<Scenario, Vec<Diagnostic>> {
    let Some(object) = value.as_object() else {
        let found = match value {
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Null => "null",
            Value::Object(_) => "an object", // excluded by the `let else` above
        };
        return Err(located(
            vec![Diagnostic::new(
                JsonPath::root(),
                format!("expected a JSON object describing a scenario, found {found}"),
            )],
            text,
        ));
    };
    let scenario = match deserialize::<Scenario>(value, &JsonPath::root()) {
        Ok(scenario) => scenario,
        Err(first) => {
            let mut all = type_errors(object);
            if all.is_empty() {
                all.push(first);
            }
            // What could be read is checked too, so that one pass reports every problem.
            all.extend(readable_problems(object));
            return Err(located(all, text));
        }
    };
    let diagnostics = validate(&scenario);
    if diagnostics.is_empty() {
        Ok(scenario)
    } else {
        Err(located(diagnostics, text))
    }
}

/// Every type error in the document, not only the first: each element of each top-level list is
/// deserialized on its own, then the rest of the document with those lists emptied.
fn type_errors(object: &Map<String, Value>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for key in LIST_KEYS {
        if let Some(Value::Array(items)) = object.get(key) {
            for (i, item) in items.iter().enumerate() {
                if let Err(d) = read_element(key, item, &JsonPath::root().key(key).index(i)) {
                    out.push(d);
                }
            }
        }
    }
    let mut rest = object.clone();
    for key in LIST_KEYS {
        if let Some(list @ Value::Array(_)) = rest.get_mut(key) {
            *list = Value::Array(Vec::new());
        }
    }
    if let Err(d) = deserialize::<Scenario>(&Value::Object(rest), &JsonPath::root()) {
        out.push(d);
    }
    out
}

/// The problems validation finds in what could be read of a document with type errors: its lists
/// without the elements that do not deserialize (their ids kept, so that references to them are
/// not reported as unknown), paths given in the file's own indices. Nothing if the rest of the
/// document does not deserialize either.
fn readable_problems(object: &Map<String, Value>) -> Vec<Diagnostic> {
    let mut rest = object.clone();
    let mut broken = validate::Broken::default();
    // For each list, the index in the file of each element kept.
    let mut kept: Vec<(&str, Vec<usize>)> = Vec::new();
    for key in LIST_KEYS {
        let Some(Value::Array(items)) = rest.get_mut(key) else {
            continue;
        };
        let mut indices = Vec::new();
        let mut good = Vec::new();
        for (i, item) in std::mem::take(items).into_iter().enumerate() {
            if read_element(key, &item, &JsonPath::root()).is_ok() {
                indices.push(i);
                good.push(item);
            } else if let Some(id) = item.get("id").and_then(Value::as_str) {
                let ids = match key {
                    "actors" => &mut broken.actors,
                    "regions" => &mut broken.regions,
                    "treaties" => &mut broken.treaties,
                    "sanctions" => &mut broken.sanctions,
                    _ => continue,
                };
                ids.insert(id.to_owned());
            }
        }
        *items = good;
        kept.push((key, indices));
    }
    let Ok(scenario) = deserialize::<Scenario>(&Value::Object(rest), &JsonPath::root()) else {
        return Vec::new();
    };
    let mut problems = validate::validate_partial(&scenario, &broken);
    for d in &mut problems {
        let segments = d.path.segments();
        if let [Segment::Key(key), Segment::Index(i), ..] = segments
            && let Some((_, indices)) = kept.iter().find(|(k, _)| k == key)
            && let Some(&original) = indices.get(*i)
        {
            let mut path = JsonPath::root().key(key).index(original);
            for segment in &segments[2..] {
                path = match segment {
                    Segment::Key(k) => path.key(k),
                    Segment::Index(j) => path.index(*j),
                };
            }
            d.path = path;
        }
    }
    problems
}

/// Deserializes an element of the top-level list `key`, found at `at`, and drops it: whether it
/// reads, and if not why.
fn read_element(key: &str, item: &Value, at: &JsonPath) -> Result<(), Diagnostic> {
    match key {
        "regions" => deserialize::<Region>(item, at).map(drop),
        "actors" => deserialize::<Actor>(item, at).map(drop),
        "stances" => deserialize::<Stance>(item, at).map(drop),
        "dyads" => deserialize::<Dyad>(item, at).map(drop),
        "treaties" => deserialize::<Treaty>(item, at).map(drop),
        "sanctions" => deserialize::<SanctionRegime>(item, at).map(drop),
        "transfers" => deserialize::<Transfer>(item, at).map(drop),
        _ => deserialize::<Event>(item, at).map(drop),
    }
}

const LIST_KEYS: [&str; 8] = [
    "regions",
    "actors",
    "stances",
    "dyads",
    "treaties",
    "sanctions",
    "transfers",
    "events",
];

/// Deserializes `value` (found at `at`), reporting the path of the first error.
fn deserialize<T: DeserializeOwned>(value: &Value, at: &JsonPath) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut path = at.join(&JsonPath::from_serde(e.path()));
        let message = strip_position(e.inner());
        let mut suggestion = None;
        // Point an unknown field's error at the field itself, and suggest the nearest known one.
        if let Some(rest) = message.strip_prefix("unknown field `")
            && let Some((field, expected)) = rest.split_once('`')
        {
            if path.segments().last() != Some(&Segment::Key(field.to_owned())) {
                path = path.key(field);
            }
            let known = expected.split('`').skip(1).step_by(2);
            suggestion = did_you_mean(field, known);
        }
        // An unknown variant (a kind, a commitment): suggest the nearest one.
        if let Some(rest) = message.strip_prefix("unknown variant `")
            && let Some((name, expected)) = rest.split_once('`')
        {
            let known = expected.split('`').skip(1).step_by(2);
            suggestion = did_you_mean(name, known);
        }
        // An unknown level name: suggest the nearest one.
        if let Some(rest) = message.strip_prefix("invalid value: string \"")
            && let Some((name, expected)) = rest.split_once('"')
            && expected.contains("expected a level")
        {
            suggestion = did_you_mean(name, crate::model::LEVEL_NAMES);
        }
        Diagnostic {
            suggestion,
            ..Diagnostic::new(path, message)
        }
    })
}

/// Adds line and column to each diagnostic and sorts them in document order.
/// Adds line and column to each diagnostic and sorts them in document order. A file with more
/// than [`MAX_DIAGNOSTICS`] problems reports the first of them and how many more there are: a
/// thousand copies of one mistake need fixing once, and locating each would cost a pass over the
/// text.
fn located(mut diagnostics: Vec<Diagnostic>, text: Option<&str>) -> Vec<Diagnostic> {
    let more = diagnostics.len().saturating_sub(MAX_DIAGNOSTICS);
    diagnostics.truncate(MAX_DIAGNOSTICS);
    if let Some(text) = text {
        for d in &mut diagnostics {
            if d.position.is_none() {
                d.position = locate(text, &d.path);
            }
        }
        diagnostics.sort_by_key(|d| d.position);
    }
    if more > 0 {
        diagnostics.push(Diagnostic::new(
            JsonPath::root(),
            format!("and {more} more problems not shown; fix these first"),
        ));
    }
    diagnostics
}

/// The most problems reported for one file.
pub const MAX_DIAGNOSTICS: usize = 100;
