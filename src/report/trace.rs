//! The story of one run: one line (or one JSON object) per event, and a closing outcome block.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::engine::{ActorIx, Event, LiftReason, Observer, Outcome, World, route_name};
use crate::model::Level;
use crate::scenario::Step;

/// How a trace is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceFormat {
    /// Readable lines: `m14  PRK attacks ROK in korea_south: force (4)`.
    Text,
    /// One JSON object per line, with ids rather than indices.
    Json,
}

/// An observer that writes each event as it happens. The first write error stops the writing and
/// is kept for [`TraceWriter::finish`].
pub struct TraceWriter<'w, W: Write> {
    world: &'w World,
    out: W,
    format: TraceFormat,
    error: Option<io::Error>,
}

impl<'w, W: Write> TraceWriter<'w, W> {
    /// A trace of `world` written to `out`.
    pub fn new(world: &'w World, out: W, format: TraceFormat) -> Self {
        TraceWriter {
            world,
            out,
            format,
            error: None,
        }
    }

    /// Writes the closing outcome block (text) or object (JSON), and reports any write error.
    pub fn finish(mut self, outcome: &Outcome) -> io::Result<W> {
        if self.error.is_none() {
            let result = match self.format {
                TraceFormat::Text => self
                    .out
                    .write_all(outcome_block(self.world, outcome).as_bytes()),
                TraceFormat::Json => writeln!(self.out, "{}", outcome_json(self.world, outcome)),
            };
            if let Err(e) = result {
                self.error = Some(e);
            }
        }
        match self.error {
            Some(e) => Err(e),
            None => {
                self.out.flush()?;
                Ok(self.out)
            }
        }
    }
}

impl<W: Write> Observer for TraceWriter<'_, W> {
    fn observe(&mut self, step: Step, event: &Event) {
        if self.error.is_some() {
            return;
        }
        let result = match self.format {
            TraceFormat::Text => match describe(self.world, event) {
                Some(text) => {
                    // Step numbers in a column of six; dates, of one length, two spaces after.
                    let label = step_label(self.world, step);
                    let width = (label.len() + 2).max(6);
                    writeln!(self.out, "{label:<width$}{text}")
                }
                None => Ok(()),
            },
            TraceFormat::Json => writeln!(self.out, "{}", event_json(self.world, step, event)),
        };
        if let Err(e) = result {
            self.error = Some(e);
        }
    }
}

/// `2025-09` or `m14`: the step's date if the scenario has a start, else its number.
pub fn step_label(world: &World, step: Step) -> String {
    world.step_label(step)
}

fn level(world: &World, level: Level) -> String {
    format!("{} ({})", world.level_label(level), level.number())
}

fn actor(world: &World, a: ActorIx) -> &str {
    &world.actors[a].id
}

fn actors(world: &World, list: &[ActorIx]) -> String {
    list.iter()
        .map(|&a| actor(world, a))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One readable line for an event, or `None` for events too frequent to narrate (support changes
/// below lethal aid).
pub fn describe(world: &World, event: &Event) -> Option<String> {
    let line = match event {
        Event::Scripted { index } => format!("event {}", world.events[*index].id),
        Event::ConflictStarted {
            conflict,
            by,
            on,
            region,
            level: l,
        } => format!(
            "conflict #{conflict}: {} against {} in {} at {}",
            actor(world, *by),
            actor(world, *on),
            world.regions[*region].id,
            level(world, *l)
        ),
        Event::Attack {
            attacker,
            attacked,
            region,
            level: l,
            severity,
            ..
        } if *l < Level::War => format!(
            "{} uses force on {} in {}: {}",
            actor(world, *attacker),
            actor(world, *attacked),
            world.regions[*region].id,
            severity
        ),
        Event::Attack {
            attacker,
            attacked,
            region,
            level: l,
            ..
        } => format!(
            "{} attacks {} in {}: {}",
            actor(world, *attacker),
            actor(world, *attacked),
            world.regions[*region].id,
            level(world, *l)
        ),
        Event::LevelChanged {
            conflict, from, to, ..
        } => format!(
            "conflict #{conflict} {} {}",
            if to > from { "rises to" } else { "falls to" },
            level(world, *to)
        ),
        Event::ConflictEnded { conflict } => format!("conflict #{conflict} ends"),
        Event::ObligationFired {
            obligation,
            adversaries,
            engaged,
            honoured,
            probability,
            joins_at,
            ..
        } => {
            let o = &world.obligations[*obligation];
            let clause = world.clause_name(o.clause);
            let holder = actor(world, o.holder);
            let why = format!(
                "partner {}, adversary {}",
                actor(world, o.partner),
                actors(world, adversaries)
            );
            if *engaged {
                format!("{clause} fires for {holder} ({why}): already on that side")
            } else if *honoured {
                let joins = joins_at
                    .map(|at| format!(", joins {}", step_label(world, at)))
                    .unwrap_or_default();
                format!("{clause} fires for {holder} ({why}): honoured, p={probability:.2}{joins}")
            } else {
                format!("{holder} declines {clause} ({why}; p={probability:.2})")
            }
        }
        Event::Joined {
            conflict,
            actor: a,
            with,
            via,
            cap,
            side,
        } => {
            format!(
                "{} joins {}'s side in conflict #{conflict} via {}, up to {}",
                actor(world, *a),
                actor(world, *with),
                route_name(world, *via, *side),
                level(world, *cap)
            )
        }
        Event::Violation {
            obligation,
            conflict,
        } => {
            let o = &world.obligations[*obligation];
            format!(
                "{} violates {} toward {} in conflict #{conflict}",
                actor(world, o.holder),
                world.clause_name(o.clause),
                actor(world, o.partner)
            )
        }
        Event::SupportChanged {
            conflict,
            actor: a,
            with,
            posture,
            ..
        } => {
            if *posture != crate::scenario::Support::Lethal {
                return None;
            }
            format!(
                "{} gives lethal aid to {}'s side in conflict #{conflict}",
                actor(world, *a),
                actor(world, *with)
            )
        }
        Event::SanctionImposed { regime } => {
            let r = &world.sanctions[*regime];
            format!(
                "sanctions {} imposed on {} by {}",
                r.id,
                actor(world, r.target),
                actors(world, &r.senders)
            )
        }
        Event::SanctionLifted { regime, reason } => {
            let why = match reason {
                LiftReason::Expired => "expired",
                LiftReason::Event => "lifted by event",
                LiftReason::Compliance => "the target complied",
                LiftReason::ObjectiveMet => "the target ended the conflicts it began",
            };
            format!("sanctions {} lifted: {why}", world.sanctions[*regime].id)
        }
        Event::TransferStarted { transfer } => {
            let t = &world.transfers[*transfer];
            format!(
                "transfer {} begins: {} from {} to {}",
                t.id,
                t.kind.name(),
                actor(world, t.from),
                actor(world, t.to)
            )
        }
        Event::TransferDetected { transfer } => {
            let t = &world.transfers[*transfer];
            let regimes: Vec<&str> = t
                .violates
                .iter()
                .map(|&r| world.sanctions[r].id.as_str())
                .collect();
            format!(
                "transfer {} detected, breaching {}",
                t.id,
                regimes.join(", ")
            )
        }
        Event::NuclearStatusChanged { actor: a, status } => format!(
            "{} now has a {} nuclear status",
            actor(world, *a),
            status.name()
        ),
    };
    Some(line)
}

/// An event as a JSON object with ids rather than indices.
pub fn event_json(world: &World, step: Step, event: &Event) -> Value {
    let mut value = serde_json::to_value(event).unwrap_or(Value::Null); // plain data: cannot fail
    if let Value::Object(map) = &mut value {
        name_indices(world, map);
        map.insert("step".to_owned(), json!(step));
        if world.start.is_some() {
            map.insert("date".to_owned(), json!(world.step_label(step)));
        }
    }
    value
}

/// Replaces index fields by the ids they stand for; one rule per field name.
fn name_indices(world: &World, map: &mut Map<String, Value>) {
    let index = |v: &Value| v.as_u64().map(|i| i as usize);
    for (key, v) in map.iter_mut() {
        let named = match key.as_str() {
            "by" | "on" | "attacker" | "attacked" | "actor" | "with" => index(v).map(|a| json!(actor(world, ActorIx::new(a)))),
            "region" => index(v).map(|r| json!(world.regions[r].id)),
            "regime" => index(v).map(|r| json!(world.sanctions[r].id)),
            "transfer" => index(v).map(|t| json!(world.transfers[t].id)),
            "index" => index(v).map(|e| json!(world.events[e].id)),
            "obligation" => index(v).map(|o| {
                let ob = &world.obligations[o];
                json!({"clause": world.clause_name(ob.clause), "holder": actor(world, ob.holder), "partner": actor(world, ob.partner)})
            }),
            "adversaries" => v
                .as_array()
                .map(|list| Value::Array(list.iter().filter_map(index).map(|a| json!(actor(world, ActorIx::new(a)))).collect())),
            "via" => Some(match &*v {
                Value::Object(o) => match o.get("obligation").and_then(index) {
                    Some(ob) => json!(world.clause_name(world.obligations[ob].clause)),
                    None => v.clone(),
                },
                other => other.clone(),
            }),
            _ => None,
        };
        if let Some(named) = named {
            *v = named;
        }
    }
}

/// The closing block of a text trace.
pub fn outcome_block(world: &World, o: &Outcome) -> String {
    let mut out = String::from("\noutcome\n");
    let first = o.first_reached[o.highest.number() as usize]
        .map(|s| format!(", first reached {}", step_label(world, s)))
        .unwrap_or_default();
    out.push_str(&format!(
        "  highest level   {}{first}\n",
        level(world, o.highest)
    ));
    let belligerents: Vec<String> = world
        .actor_ixs()
        .filter(|&a| o.belligerent(a))
        .map(|a| {
            let route = o.route(world, a).unwrap_or_else(|| "-".to_owned());
            format!(
                "{} ({}, {route})",
                actor(world, a),
                world.level_label(o.actor_highest[a])
            )
        })
        .collect();
    out.push_str(&format!(
        "  belligerents    {}\n",
        if belligerents.is_empty() {
            "none".to_owned()
        } else {
            belligerents.join(", ")
        }
    ));
    let honoured = o
        .triggers
        .iter()
        .filter(|t| t.honoured && !t.engaged)
        .count();
    let decided = o.triggers.iter().filter(|t| !t.engaged).count();
    out.push_str(&format!(
        "  obligations     {} fired, {honoured} of {decided} decisions honoured, {} violations\n",
        o.triggers.len(),
        o.violations.len()
    ));
    for (r, regime) in world.sanctions.iter().enumerate() {
        let course = &o.sanctions[r];
        let state = match (course.imposed, course.lifted) {
            (None, _) => "never imposed".to_owned(),
            (Some(i), None) => format!("imposed {}, in force", step_label(world, i)),
            (Some(i), Some((l, _))) => format!(
                "imposed {}, lifted {}",
                step_label(world, i),
                step_label(world, l)
            ),
        };
        out.push_str(&format!(
            "  sanctions       {} on {}: {state}; final pressure {:.2}\n",
            regime.id,
            actor(world, regime.target),
            o.final_pressure[regime.target]
        ));
    }
    out.push_str(&format!(
        "  pathway         {}\n",
        if o.pathway.is_empty() {
            "-"
        } else {
            o.pathway.as_str()
        }
    ));
    out
}

/// The closing object of a JSON trace.
pub fn outcome_json(world: &World, o: &Outcome) -> Value {
    let belligerents: Vec<Value> = world.actor_ixs()
        .filter(|&a| o.belligerent(a))
        .map(|a| json!({"actor": actor(world, a), "highest": o.actor_highest[a], "route": o.route(world, a)}))
        .collect();
    json!({
        "event": "outcome",
        "highest": o.highest,
        "first_war": o.first_war(),
        "belligerents": belligerents,
        "triggers": o.triggers.len(),
        "violations": o.violations.len(),
        "pathway": o.pathway,
    })
}

/// Each actor's state at the end of every step of one run: the per-step table and chart of
/// `casus trace --out`.
///
/// ```
/// use casus::engine::World;
/// use casus::report::trace::Timeline;
///
/// let scenario = casus::scenario::load("scenarios/two_actor_dispute.json").unwrap();
/// let world = World::new(&scenario).unwrap();
/// let sim = casus::engine::Simulation::new(&world, 7, 0);
/// let (timeline, outcome) = Timeline::record(sim, &mut ());
/// assert_eq!(timeline.levels.len(), world.steps as usize);
/// // The highest level any actor reached is the run's highest level.
/// let top = timeline.levels.iter().flatten().max().copied().unwrap_or_default();
/// assert_eq!(top, outcome.highest);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// `levels[t][a]`: the highest level at which actor `a` took part in a conflict under way at
    /// the end of step `t` (peace when none).
    pub levels: Vec<Vec<Level>>,
    /// `pressure[t][a]`: the sanction pressure on actor `a` at the end of step `t`.
    pub pressure: Vec<Vec<f64>>,
}

impl Timeline {
    /// Runs `sim` to its end, telling `obs` of every event, and records each actor's level and
    /// pressure after every step; returns the timeline and the run's outcome.
    pub fn record(
        mut sim: crate::engine::Simulation<'_>,
        obs: &mut dyn Observer,
    ) -> (Timeline, Outcome) {
        let world = sim.world();
        let mut timeline = Timeline {
            levels: Vec::new(),
            pressure: Vec::new(),
        };
        while !sim.is_finished() {
            sim.step(obs);
            timeline
                .levels
                .push(world.actor_ixs().map(|a| sim.actor_level(a)).collect());
            timeline
                .pressure
                .push(world.actor_ixs().map(|a| sim.pressure(a)).collect());
        }
        (timeline, sim.finish())
    }

    /// The table as CSV, one row per step and actor: `step`, `date` (with a start), `actor`,
    /// `level` (0–7), `level_name`, `at_war` (1 at war or above) and `pressure`.
    pub fn write_csv(&self, world: &World, w: &mut impl Write) -> io::Result<()> {
        let mut csv = csv::Writer::from_writer(w);
        let dated = world.start.is_some();
        let mut header = vec!["step"];
        if dated {
            header.push("date");
        }
        header.extend(["actor", "level", "level_name", "at_war", "pressure"]);
        csv.write_record(&header)?;
        for (t, (levels, pressure)) in self.levels.iter().zip(&self.pressure).enumerate() {
            let step = t as Step;
            for a in world.actor_ixs() {
                let level = levels[a.index()];
                let mut row = vec![step.to_string()];
                if dated {
                    row.push(world.step_label(step));
                }
                row.extend([
                    actor(world, a).to_owned(),
                    level.number().to_string(),
                    world.level_label(level).to_owned(),
                    u8::from(level >= Level::War).to_string(),
                    format!("{:.6}", pressure[a.index()]),
                ]);
                csv.write_record(&row)?;
            }
        }
        csv.flush()
    }

    /// The actors that took part in a conflict at force or above, at most `n`, highest level first
    /// (ties: the earlier to reach it, then the order of the scenario), with their level at each
    /// step: what the trace chart draws.
    pub fn lines(&self, world: &World, n: usize) -> Vec<(String, Vec<Level>)> {
        let mut actors: Vec<(Level, usize, ActorIx)> = world
            .actor_ixs()
            .filter_map(|a| {
                let top = self.levels.iter().map(|l| l[a.index()]).max()?;
                let first = self.levels.iter().position(|l| l[a.index()] == top)?;
                (top >= Level::Force).then_some((top, first, a))
            })
            .collect();
        actors.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        actors
            .into_iter()
            .take(n)
            .map(|(_, _, a)| {
                let levels = self.levels.iter().map(|l| l[a.index()]).collect();
                (actor(world, a).to_owned(), levels)
            })
            .collect()
    }
}
