//! Writing scenarios back to JSON in the layout of the bundled files: one top-level member per
//! line, and each element of a list on a line of its own, so that a generated world of thousands
//! of elements stays readable and diffs line by line.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

use super::{MonteCarloDefaults, Parameters, Scenario};

/// The scenario as JSON text in the bundled files' layout, ending in a newline. Members are written
/// in the format's order; empty lists and default `parameters` and `monte_carlo` are left out.
/// The same scenario always gives the same bytes, and [`parse`](super::parse) reads them back
/// unchanged.
pub fn to_json(scenario: &Scenario) -> String {
    // Destructured in full so that a new member of the format cannot be forgotten here.
    let Scenario {
        schema,
        casus,
        name,
        description,
        source,
        step,
        start,
        steps,
        level_labels,
        regions,
        actors,
        stances,
        dyads,
        treaties,
        sanctions,
        transfers,
        events,
        parameters,
        monte_carlo,
    } = scenario;
    let mut members = Members::default();
    members.optional("$schema", schema);
    members.add("casus", casus);
    members.add("name", name);
    members.optional("description", description);
    members.optional("source", source);
    members.add("step", step);
    members.optional("start", start);
    members.add("steps", steps);
    members.optional("level_labels", level_labels);
    members.list("regions", regions);
    members.list("actors", actors);
    members.list("stances", stances);
    members.list("dyads", dyads);
    members.list("treaties", treaties);
    members.list("sanctions", sanctions);
    members.list("transfers", transfers);
    members.list("events", events);
    if *parameters != Parameters::default() {
        members.add("parameters", parameters);
    }
    if *monte_carlo != MonteCarloDefaults::default() {
        members.add("monte_carlo", monte_carlo);
    }
    members.finish()
}

/// The top-level object being written.
#[derive(Default)]
struct Members {
    out: Vec<u8>,
}

impl Members {
    fn add(&mut self, key: &str, value: &impl Serialize) {
        self.out.extend_from_slice(if self.out.is_empty() {
            b"{\n  "
        } else {
            b",\n  "
        });
        serde_json::to_writer(&mut self.out, key).expect("a key serialises");
        self.out.extend_from_slice(b": ");
        let mut serializer = Serializer::with_formatter(&mut self.out, Layout { depth: 0 });
        value
            .serialize(&mut serializer)
            .expect("scenario values serialise to JSON");
    }

    fn optional(&mut self, key: &str, value: &Option<impl Serialize>) {
        if let Some(value) = value {
            self.add(key, value);
        }
    }

    fn list<T: Serialize>(&mut self, key: &str, elements: &[T]) {
        if !elements.is_empty() {
            self.add(key, &elements);
        }
    }

    fn finish(mut self) -> String {
        self.out.extend_from_slice(b"\n}\n");
        String::from_utf8(self.out).expect("serde_json writes UTF-8")
    }
}

/// A top-level list with one element per line; everything else on one line with a space after
/// each `:` and `,`.
struct Layout {
    depth: usize,
}

impl Layout {
    fn separator<W: ?Sized + io::Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        match (self.depth, first) {
            (1, true) => w.write_all(b"\n    "),
            (1, false) => w.write_all(b",\n    "),
            (_, true) => Ok(()),
            (_, false) => w.write_all(b", "),
        }
    }
}

impl Formatter for Layout {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        w.write_all(if self.depth == 0 { b"\n  ]" } else { b"]" })
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.separator(w, first)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        // Objects never break lines: count them as two levels deep.
        self.depth += 2;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 2;
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.separator(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_scenarios_read_back_unchanged() {
        for name in ["northeast_asia_2024", "july_1914", "september_1939"] {
            let path = format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
            let scenario = super::super::load(&path).unwrap();
            let text = to_json(&scenario);
            assert_eq!(
                super::super::parse(&text, &path).unwrap(),
                scenario,
                "{name}"
            );
            assert!(
                text.starts_with("{\n  \"$schema\": \"casus.schema.json\",\n  \"casus\": 1,\n")
            );
            assert!(text.contains("\n  \"actors\": [\n    {\"id\": "), "{text}");
            assert!(
                text.ends_with("]\n}\n") || text.ends_with("}\n}\n"),
                "{text}"
            );
            assert!(text.lines().all(|l| !l.ends_with(' ')));
        }
    }
}
