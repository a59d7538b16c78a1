//! Overrides of scenario values by path: `--set parameters.onset_rate=0.03`,
//! `--set treaties.rus_prk_2024.obligations.art4_rus.reliability=0.9`.
//!
//! A path is a dot-separated list of keys. In a list, `#N` selects the element at index N (from
//! 0); any other key selects the element whose `id` is that key, so `treaties.0` is the treaty
//! whose id is `0`, never the first treaty. In a list whose elements have no ids (stances, dyads),
//! a bare number is an index too. The value is JSON (`0.9`, `true`, `"war"`, `[0, 3]`); anything
//! that does not parse as JSON is taken as a string. The overridden scenario is validated like a
//! file.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

/// One change to a scenario: `PATH=VALUE` sets a value, `without:PATH` removes the member or
/// list element at PATH (`without:treaties.rus_prk_2024`, what `--without treaty:rus_prk_2024`
/// means).
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The dot-separated path, as given.
    pub path: String,
    /// The new value, or `None` to remove what is at the path.
    pub value: Option<Value>,
}

/// Why an override could not be read or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--set {text}: {message}")]
pub struct OverrideError {
    /// The override as given.
    pub text: String,
    /// What is wrong.
    pub message: String,
}

impl FromStr for Override {
    type Err = OverrideError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |message: &str| OverrideError {
            text: text.to_owned(),
            message: message.to_owned(),
        };
        if let Some(path) = text.strip_prefix("without:") {
            if path.is_empty() || path.split('.').any(str::is_empty) {
                return Err(error(
                    "expected without:PATH, for example without:treaties.nato",
                ));
            }
            return Ok(Override {
                path: path.to_owned(),
                value: None,
            });
        }
        let (path, value) = text
            .split_once('=')
            .ok_or_else(|| error("expected PATH=VALUE, for example parameters.onset_rate=0.03"))?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(error(
                "the path has an empty key; expected keys separated by single dots",
            ));
        }
        let value = value.trim();
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
        Ok(Override {
            path: path.to_owned(),
            value: Some(value),
        })
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => write!(f, "{}={}", self.path, value),
            None => write!(f, "without:{}", self.path),
        }
    }
}

impl Override {
    /// The removal of one element, written `KIND:ID` (`treaty:nato`, `sanction:un_prk`,
    /// `event:coup`): `casus compare --without`.
    pub fn without(text: &str) -> Result<Override, String> {
        let (kind, id) = text
            .split_once(':')
            .ok_or_else(|| format!("expected KIND:ID, such as treaty:nato, found `{text}`"))?;
        let list = match kind {
            "treaty" => "treaties",
            "sanction" => "sanctions",
            "event" => "events",
            "transfer" => "transfers",
            other => {
                return Err(format!(
                    "cannot leave out a `{other}`: expected treaty, sanction, transfer or event"
                ));
            }
        };
        format!("without:{list}.{id}")
            .parse()
            .map_err(|e: OverrideError| e.to_string())
    }

    /// Applies the override to a scenario's JSON, creating missing object members on the way (so a
    /// parameter the file leaves at its default can be set). A treaty left out is never in force:
    /// every condition `{"in_force": ID}` naming it becomes one that never holds, so that
    /// `--without treaty:ID` runs the scenario as if the treaty had never been made.
    pub fn apply(&self, root: &mut Value) -> Result<(), OverrideError> {
        let removed = self.apply_at_path(root)?;
        if let (["treaties", _], Some(treaty)) = (
            self.path.split('.').collect::<Vec<_>>().as_slice(),
            removed.as_ref().and_then(|t| t.get("id")?.as_str()),
        ) {
            never_in_force(root, treaty);
        }
        Ok(())
    }

    /// Sets or removes the value at the path; returns what was removed.
    fn apply_at_path(&self, root: &mut Value) -> Result<Option<Value>, OverrideError> {
        let error = |message: String| OverrideError {
            text: self.to_string(),
            message,
        };
        let keys: Vec<&str> = self.path.split('.').collect();
        let mut current = root;
        let mut walked = String::new();
        for (i, key) in keys.iter().enumerate() {
            let last = i + 1 == keys.len();
            current = match current {
                Value::Object(map) => {
                    if last {
                        match &self.value {
                            Some(value) => {
                                map.insert((*key).to_owned(), value.clone());
                            }
                            None => {
                                return map.remove(*key).map(Some).ok_or_else(|| {
                                    error(format!("`{walked}` has no member `{key}` to remove"))
                                });
                            }
                        }
                        return Ok(None);
                    }
                    map.entry((*key).to_owned())
                        .or_insert_with(|| Value::Object(Default::default()))
                }
                Value::Array(items) => {
                    // `#N` is an index; a number is one only in a list without ids.
                    let has_ids = items.iter().any(|item| item.get("id").is_some());
                    let index = match key.strip_prefix('#') {
                        Some(n) => Some(n.parse::<usize>().map_err(|_| {
                            error(format!(
                                "`{key}` in `{walked}`: expected #N, the index of an element"
                            ))
                        })?),
                        None if !has_ids => key.parse::<usize>().ok(),
                        None => None,
                    };
                    let found = match index {
                        Some(index) => index,
                        None => items
                            .iter()
                            .position(|item| item.get("id").and_then(Value::as_str) == Some(key))
                            .ok_or_else(|| {
                                let ids: Vec<&str> = items
                                    .iter()
                                    .filter_map(|item| item.get("id")?.as_str())
                                    .collect();
                                let hint = super::did_you_mean(key, ids.iter().copied())
                                    .map(|s| format!("; {s}"))
                                    .or_else(|| {
                                        key.parse::<usize>().is_ok().then(|| {
                                            format!(
                                                "; for the element at index {key}, write #{key}"
                                            )
                                        })
                                    })
                                    .unwrap_or_default();
                                error(format!("no element with id `{key}` in `{walked}`{hint}"))
                            })?,
                    };
                    let len = items.len();
                    if found >= len {
                        return Err(error(format!(
                            "`{walked}` has {len} elements; there is no element {found}"
                        )));
                    }
                    if last {
                        return Ok(match &self.value {
                            Some(value) => {
                                items[found] = value.clone();
                                None
                            }
                            None => Some(items.remove(found)),
                        });
                    }
                    &mut items[found]
                }
                _ => {
                    return Err(error(format!("`{walked}` is not an object or a list")));
                }
            };
            if !walked.is_empty() {
                walked.push('.');
            }
            walked.push_str(key);
        }
        Ok(None)
    }
}

/// Replaces every condition `{"in_force": treaty}` under `value` by one that never holds (not
/// even step 0 has been reached), so that a treaty left out reads as never in force. A treaty's
/// own `in_force` member is an object, not a name, and is left alone.
fn never_in_force(value: &mut Value, treaty: &str) {
    match value {
        Value::Object(map) => {
            if map.len() == 1 && map.get("in_force").and_then(Value::as_str) == Some(treaty) {
                *value = serde_json::json!({"not": {"step": {"at_least": 0}}});
                return;
            }
            map.values_mut().for_each(|v| never_in_force(v, treaty));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| never_in_force(v, treaty)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn apply(text: &str, root: &mut Value) -> Result<(), OverrideError> {
        text.parse::<Override>()?.apply(root)
    }

    /// Leaving a treaty out turns every condition naming it, however deep, into one that never
    /// holds; conditions naming other treaties and treaties' own `in_force` ranges stay as they
    /// were, and so does everything when something other than a treaty is left out.
    #[test]
    fn a_treaty_left_out_is_named_by_no_condition() {
        let never = json!({"not": {"step": {"at_least": 0}}});
        let original = json!({
            "treaties": [
                {"id": "t", "in_force": {"from": 5}},
                {"id": "u", "in_force": {"from": 0}}
            ],
            "sanctions": [{"id": "s", "when": {"all": [{"in_force": "t"}, {"in_force": "u"}]}}],
            "transfers": [{"id": "x", "when": {"not": {"in_force": "t"}}}],
            "events": [{"id": "e", "when": {"in_force": "t"}}]
        });
        let mut v = original.clone();
        apply("without:treaties.t", &mut v).unwrap();
        assert_eq!(v["treaties"], json!([{"id": "u", "in_force": {"from": 0}}]));
        assert_eq!(
            v["sanctions"][0]["when"],
            json!({"all": [never, {"in_force": "u"}]})
        );
        assert_eq!(v["transfers"][0]["when"], json!({"not": never}));
        assert_eq!(v["events"][0]["when"], never);
        // By index, the same.
        let mut w = original.clone();
        apply("without:treaties.#0", &mut w).unwrap();
        assert_eq!(w, v);
        // Leaving out an event, or a treaty's member, touches no condition.
        let mut w = original.clone();
        apply("without:events.e", &mut w).unwrap();
        assert_eq!(w["sanctions"], original["sanctions"]);
        let mut w = original.clone();
        apply("without:treaties.t.in_force", &mut w).unwrap();
        assert_eq!(w["transfers"], original["transfers"]);
    }

    #[test]
    fn sets_values_by_key_id_and_index() {
        let mut v =
            json!({"treaties": [{"id": "t", "obligations": [{"id": "a", "reliability": 0.4}]}]});
        apply("treaties.t.obligations.a.reliability=0.9", &mut v).unwrap();
        assert_eq!(
            v["treaties"][0]["obligations"][0]["reliability"],
            json!(0.9)
        );
        apply("treaties.#0.obligations.#0.kind=defense", &mut v).unwrap();
        assert_eq!(v["treaties"][0]["obligations"][0]["kind"], json!("defense"));
        apply("parameters.honour_all=true", &mut v).unwrap();
        assert_eq!(v["parameters"]["honour_all"], json!(true));
        apply("without:treaties.t", &mut v).unwrap();
        assert_eq!(v["treaties"], json!([]));
        apply("without:parameters.honour_all", &mut v).unwrap();
        assert_eq!(v["parameters"], json!({}));
        let removal: Override = "without:treaties.t".parse().unwrap();
        assert_eq!(removal.to_string().parse::<Override>().unwrap(), removal);
    }

    #[test]
    fn reports_what_is_missing() {
        let mut v = json!({"treaties": [{"id": "nato"}], "steps": 3});
        let err = apply("treaties.natoo.obligations=[]", &mut v).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--set treaties.natoo.obligations=[]: no element with id `natoo` in `treaties`; did you mean `nato`?"
        );
        let err = apply("steps.x=1", &mut v).unwrap_err();
        assert!(
            err.message.contains("`steps` is not an object or a list"),
            "{err}"
        );
        assert!("no_equals".parse::<Override>().is_err());
        assert!("a..b=1".parse::<Override>().is_err());
        let err = apply("treaties.#3.id=x", &mut v).unwrap_err();
        assert!(err.message.contains("has 1 elements"), "{err}");
        let err = apply("treaties.#x.id=x", &mut v).unwrap_err();
        assert!(err.message.contains("expected #N"), "{err}");
    }

    /// In a list of elements with ids, a number is an id, never an index: `treaties.0` is the
    /// treaty whose id is `0`; `#0` is the first. In a list without ids a number is an index.
    #[test]
    fn ids_that_look_like_numbers_are_ids() {
        let mut v = json!({
            "treaties": [{"id": "1", "x": 0}, {"id": "0", "x": 0}],
            "stances": [{"value": 0.1}, {"value": 0.2}]
        });
        apply("treaties.0.x=5", &mut v).unwrap();
        assert_eq!(v["treaties"][1]["x"], json!(5), "the treaty with id 0");
        apply("treaties.#0.x=7", &mut v).unwrap();
        assert_eq!(v["treaties"][0]["x"], json!(7), "the first treaty");
        apply("without:treaties.0", &mut v).unwrap();
        assert_eq!(v["treaties"], json!([{"id": "1", "x": 7}]));
        let err = apply("treaties.0.x=1", &mut v).unwrap_err();
        assert!(
            err.message.contains("no element with id `0`") && err.message.contains("write #0"),
            "{err}"
        );
        apply("stances.1.value=0.5", &mut v).unwrap();
        apply("stances.#0.value=0.4", &mut v).unwrap();
        assert_eq!(v["stances"], json!([{"value": 0.4}, {"value": 0.5}]));
    }
}
