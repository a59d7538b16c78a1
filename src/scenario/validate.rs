//! Semantic checks of a scenario: ids, references, ranges, cycles and size limits.
//!
//! [`validate`] collects every problem rather than stopping at the first, so an analyst can fix a
//! file in one pass. It works on the typed [`Scenario`], so scenarios built in code or changed by
//! overrides are checked the same way as files.

use std::collections::{BTreeMap, BTreeSet};

use super::error::Diagnostic;
use super::format::*;
use super::path::JsonPath;
use crate::model::Level;

/// Size limits that keep a hostile or mistaken file from exhausting memory or time.
pub mod limits {
    /// Most steps in a run (a century of weeks; 270 years of days).
    pub const MAX_STEPS: u32 = 100_000;
    /// Most actors: every state several times over; the stance matrix stays under 100 MB.
    pub const MAX_ACTORS: usize = 2_000;
    /// Most regions.
    pub const MAX_REGIONS: usize = 20_000;
    /// Most entries in each of stances, dyads, treaties, sanctions, transfers and events.
    pub const MAX_ELEMENTS: usize = 200_000;
    /// Most members of one treaty.
    pub const MAX_MEMBERS: usize = 500;
    /// Most obligations in one treaty.
    pub const MAX_OBLIGATIONS: usize = 1_000;
    /// Deepest nesting of `all` / `any` / `not` conditions.
    pub const MAX_CONDITION_DEPTH: usize = 32;
    /// Most directed obligations, after expanding the symmetric shorthand (a 500-member treaty's
    /// symmetric clause alone is 249,500).
    pub const MAX_DIRECTED_OBLIGATIONS: usize = 500_000;
    /// Largest capability or economic weight (only ratios matter; sums of them stay finite).
    pub const MAX_WEIGHT: f64 = 1e12;
    /// Most directed pairs whose stances `monte_carlo.alignment` follows.
    pub const MAX_ALIGNMENT_PAIRS: usize = 100;
    /// Most candidate blocs.
    pub const MAX_BLOCS: usize = 16;
    /// Most Monte Carlo runs a scenario may ask for by default.
    pub const MAX_RUNS: u64 = 1_000_000_000_000;
}

use limits::*;

/// Checks a parsed scenario and returns every problem found (empty if it is valid).
pub fn validate(scenario: &Scenario) -> Vec<Diagnostic> {
    validate_partial(scenario, &Broken::default())
}

/// The ids of the elements of a file that could not be read (a type error), left out of the
/// scenario that is checked: a reference to one of them is not an error of its own, as the
/// element exists in the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Broken {
    pub(crate) actors: BTreeSet<String>,
    pub(crate) regions: BTreeSet<String>,
    pub(crate) treaties: BTreeSet<String>,
    pub(crate) sanctions: BTreeSet<String>,
}

/// Checks what could be read of a file with type errors, the elements in `broken` left out.
pub(crate) fn validate_partial(scenario: &Scenario, broken: &Broken) -> Vec<Diagnostic> {
    let mut v = Validator::new(scenario, broken);
    v.check();
    v.out
}

/// The known ids of each kind, for resolving references.
struct Validator<'a> {
    s: &'a Scenario,
    broken: &'a Broken,
    out: Vec<Diagnostic>,
    actors: BTreeSet<&'a str>,
    /// Region id → parent, for declared regions and actors' implicit regions.
    regions: BTreeMap<&'a str, Option<&'a str>>,
    treaties: BTreeMap<&'a str, &'a Treaty>,
    sanctions: BTreeSet<&'a str>,
}

fn root() -> JsonPath {
    JsonPath::root()
}

impl<'a> Validator<'a> {
    fn new(s: &'a Scenario, broken: &'a Broken) -> Self {
        Validator {
            s,
            broken,
            out: Vec::new(),
            actors: BTreeSet::new(),
            regions: BTreeMap::new(),
            treaties: BTreeMap::new(),
            sanctions: BTreeSet::new(),
        }
    }

    fn error(&mut self, path: JsonPath, message: impl Into<String>) {
        self.out.push(Diagnostic::new(path, message));
    }

    fn check(&mut self) {
        let s = self.s;
        if s.casus != FORMAT_VERSION {
            self.error(
                root().key("casus"),
                format!(
                    "unsupported format version {}; this casus reads version {FORMAT_VERSION}",
                    s.casus
                ),
            );
        }
        self.non_empty(root().key("name"), &s.name, "name");
        if s.steps == 0 || s.steps > MAX_STEPS {
            self.error(
                root().key("steps"),
                format!(
                    "expected a number of steps from 1 to {MAX_STEPS}, found {}",
                    s.steps
                ),
            );
        }
        if let Some(start) = &s.start
            && crate::model::calendar::Date::parse(start).is_none()
        {
            self.error(
                root().key("start"),
                format!("expected a date, YYYY-MM or YYYY-MM-DD, found {start:?}"),
            );
        }
        if let Some(labels) = &s.level_labels
            && labels.len() != Level::ALL.len()
        {
            self.error(
                root().key("level_labels"),
                format!(
                    "expected 8 labels, one per level 0–7, found {}",
                    labels.len()
                ),
            );
        }
        let sizes = [
            ("actors", s.actors.len(), MAX_ACTORS),
            ("regions", s.regions.len(), MAX_REGIONS),
            ("stances", s.stances.len(), MAX_ELEMENTS),
            ("dyads", s.dyads.len(), MAX_ELEMENTS),
            ("treaties", s.treaties.len(), MAX_ELEMENTS),
            ("sanctions", s.sanctions.len(), MAX_ELEMENTS),
            ("transfers", s.transfers.len(), MAX_ELEMENTS),
            ("events", s.events.len(), MAX_ELEMENTS),
        ];
        let mut too_large = false;
        for (key, len, limit) in sizes {
            if len > limit {
                self.error(
                    root().key(key),
                    format!("{len} entries, more than the limit of {limit}"),
                );
                too_large = true;
            }
        }
        if too_large {
            // Checking an oversized scenario element by element would only bury this message.
            return;
        }
        if s.actors.is_empty() {
            self.error(root().key("actors"), "expected at least one actor");
        }
        self.collect_ids();
        self.check_regions();
        self.check_actors();
        self.check_stances();
        self.check_dyads();
        self.check_treaties();
        self.check_sanctions();
        self.check_transfers();
        self.check_events();
        self.check_parameters();
        if s.monte_carlo.runs == 0 || s.monte_carlo.runs > MAX_RUNS {
            self.error(
                root().key("monte_carlo").key("runs"),
                format!(
                    "expected from 1 to {MAX_RUNS} runs, found {}",
                    s.monte_carlo.runs
                ),
            );
        }
        let focus = root().key("monte_carlo").key("focus");
        for (i, id) in s.monte_carlo.focus.actors.iter().enumerate() {
            self.actor_ref(focus.clone().key("actors").index(i), id);
        }
        for (i, id) in s.monte_carlo.focus.regions.iter().enumerate() {
            self.region_ref(focus.clone().key("regions").index(i), id);
        }
        self.check_alignment();
    }

    /// `monte_carlo.alignment`: pairs of two actors, blocs of distinct actors that share none,
    /// steps within the run.
    fn check_alignment(&mut self) {
        let alignment = &self.s.monte_carlo.alignment;
        let path = root().key("monte_carlo").key("alignment");
        if alignment.pairs.len() > MAX_ALIGNMENT_PAIRS {
            self.error(
                path.key("pairs"),
                format!(
                    "{} pairs, more than the limit of {MAX_ALIGNMENT_PAIRS}",
                    alignment.pairs.len()
                ),
            );
        }
        let mut pairs = BTreeSet::new();
        for (i, pair) in alignment.pairs.iter().enumerate() {
            self.actor_pair(path.key("pairs").index(i), pair);
            if !pairs.insert(pair) {
                self.error(
                    path.key("pairs").index(i),
                    format!("the pair {} → {} is listed twice", pair[0], pair[1]),
                );
            }
        }
        if alignment.blocs.len() > MAX_BLOCS {
            self.error(
                path.key("blocs"),
                format!(
                    "{} blocs, more than the limit of {MAX_BLOCS}",
                    alignment.blocs.len()
                ),
            );
        }
        let mut placed: BTreeMap<&str, usize> = BTreeMap::new();
        for (b, bloc) in alignment.blocs.iter().enumerate() {
            let bpath = path.key("blocs").index(b);
            if bloc.is_empty() {
                self.error(bpath.clone(), "expected at least one actor");
            }
            self.actor_set(bpath.clone(), bloc);
            for (j, actor) in bloc.iter().enumerate() {
                match placed.get(actor.as_str()) {
                    Some(&other) if other != b => self.error(
                        bpath.index(j),
                        format!("`{actor}` is already in bloc {other}; a state stands in one bloc"),
                    ),
                    _ => {
                        placed.insert(actor, b);
                    }
                }
            }
        }
        for (i, &step) in alignment.steps.iter().enumerate() {
            self.step(path.key("steps").index(i), step);
        }
    }

    fn check_transfers(&mut self) {
        let s = self.s;
        let mut ids = BTreeSet::new();
        for (i, t) in s.transfers.iter().enumerate() {
            let path = root().key("transfers").index(i);
            if self.valid_id(path.key("id"), &t.id, "transfer") && !ids.insert(t.id.as_str()) {
                self.error(path.key("id"), format!("duplicate transfer id `{}`", t.id));
            }
            self.actor_pair(path.clone(), &[t.from.clone(), t.to.clone()]);
            let [lo, hi] = t.rate.bounds();
            let rate = path.key("rate");
            match t.rate {
                Uncertain::Exact(x) => self.in_range(rate, x, 0.0, MAX_WEIGHT),
                Uncertain::Range(_) => {
                    self.in_range(rate.index(0), lo, 0.0, MAX_WEIGHT);
                    self.in_range(rate.index(1), hi, 0.0, MAX_WEIGHT);
                    if lo > hi {
                        self.error(
                            path.key("rate"),
                            format!("expected [low, high] with low ≤ high, found [{lo}, {hi}]"),
                        );
                    }
                }
            }
            self.span(&path, ("start", t.start), t.until, t.when.as_ref());
            for (j, regime) in t.violates.iter().enumerate() {
                self.regime_ref(path.key("violates").index(j), regime);
            }
            if let Some(p) = t.detection {
                self.probability(path.key("detection"), p);
                if t.violates.is_empty() && p > 0.0 {
                    self.error(
                        path.key("detection"),
                        "only a flow that breaches a regime can be detected; list it in `violates`",
                    );
                }
            }
        }
    }

    /// The steps of an element that holds from a first step (`first`, named as in the file) up to,
    /// not including, `until`, where `when` holds.
    fn span(
        &mut self,
        path: &JsonPath,
        (key, first): (&str, Option<Step>),
        until: Option<Step>,
        when: Option<&Condition>,
    ) {
        if let Some(first) = first {
            self.step(path.key(key), first);
        }
        if let Some(until) = until {
            self.end_step(path.key("until"), until);
            if until <= first.unwrap_or(0) {
                self.error(
                    path.key("until"),
                    format!("`until` ({until}) must come after `{key}`"),
                );
            }
        }
        if let Some(when) = when {
            self.condition(path.key("when"), when, 0);
        }
    }

    fn regime_ref(&mut self, path: JsonPath, id: &str) {
        if !self.sanctions.contains(id) && !self.broken.sanctions.contains(id) {
            let suggestion = did_you_mean(id, self.sanctions.iter().copied());
            self.out.push(
                Diagnostic::new(path, format!("unknown sanction regime `{id}`"))
                    .suggest(suggestion),
            );
        }
    }

    /// Registers every id, reporting empty and duplicate ones.
    fn collect_ids(&mut self) {
        let s = self.s;
        let mut seen = BTreeSet::new();
        for (i, actor) in s.actors.iter().enumerate() {
            let path = root().key("actors").index(i).key("id");
            if self.valid_id(path.clone(), &actor.id, "actor") && !seen.insert(actor.id.as_str()) {
                self.error(path, format!("duplicate actor id `{}`", actor.id));
            }
        }
        self.actors = seen;

        for (i, region) in s.regions.iter().enumerate() {
            let path = root().key("regions").index(i).key("id");
            if !self.valid_id(path.clone(), &region.id, "region") {
                continue;
            }
            if self
                .regions
                .insert(&region.id, region.within.as_deref())
                .is_some()
            {
                self.error(path, format!("duplicate region id `{}`", region.id));
            }
        }
        // An actor without a `regions` list owns an implicit region named after it; declaring a
        // region with that id gives the implicit region a parent.
        for actor in &s.actors {
            if actor.regions.is_none() {
                self.regions.entry(&actor.id).or_insert(None);
            }
        }

        for (i, treaty) in s.treaties.iter().enumerate() {
            let path = root().key("treaties").index(i).key("id");
            if self.valid_id(path.clone(), &treaty.id, "treaty")
                && self.treaties.insert(&treaty.id, treaty).is_some()
            {
                self.error(path, format!("duplicate treaty id `{}`", treaty.id));
            }
        }
        for (i, regime) in s.sanctions.iter().enumerate() {
            let path = root().key("sanctions").index(i).key("id");
            if self.valid_id(path.clone(), &regime.id, "sanction regime")
                && !self.sanctions.insert(&regime.id)
            {
                self.error(
                    path,
                    format!("duplicate sanction regime id `{}`", regime.id),
                );
            }
        }
        let mut events = BTreeSet::new();
        for (i, event) in s.events.iter().enumerate() {
            let path = root().key("events").index(i).key("id");
            let id = event_id(event, i);
            if event.id.is_some() && !self.valid_id(path.clone(), &id, "event") {
                continue;
            }
            if !events.insert(id.clone()) {
                self.error(path, format!("duplicate event id `{id}`"));
            }
        }
    }

    fn valid_id(&mut self, path: JsonPath, id: &str, what: &str) -> bool {
        if id.is_empty() || id.contains(char::is_whitespace) || id.contains('/') || id.len() > 64 {
            self.error(
                path,
                format!(
                    "invalid {what} id `{id}`: expected 1 to 64 characters without spaces or `/`"
                ),
            );
            return false;
        }
        true
    }

    fn non_empty(&mut self, path: JsonPath, text: &str, what: &str) {
        if text.trim().is_empty() {
            self.error(path, format!("the {what} must not be empty"));
        }
    }

    fn actor_ref(&mut self, path: JsonPath, id: &str) -> bool {
        if self.actors.contains(id) {
            return true;
        }
        if self.broken.actors.contains(id) {
            return false;
        }
        let suggestion = did_you_mean(id, self.actors.iter().copied());
        self.out
            .push(Diagnostic::new(path, format!("unknown actor `{id}`")).suggest(suggestion));
        false
    }

    fn region_ref(&mut self, path: JsonPath, id: &str) {
        let broken = self.broken.regions.contains(id) || self.broken.actors.contains(id);
        if !self.regions.contains_key(id) && !broken {
            let suggestion = did_you_mean(id, self.regions.keys().copied());
            self.out
                .push(Diagnostic::new(path, format!("unknown region `{id}`")).suggest(suggestion));
        }
    }

    fn treaty_ref(&mut self, path: JsonPath, id: &str) -> Option<&'a Treaty> {
        let found = self.treaties.get(id).copied();
        if found.is_none() && !self.broken.treaties.contains(id) {
            let suggestion = did_you_mean(id, self.treaties.keys().copied());
            self.out
                .push(Diagnostic::new(path, format!("unknown treaty `{id}`")).suggest(suggestion));
        }
        found
    }

    /// A list of distinct actors: each must resolve and appear once. Returns the known ones.
    fn actor_set(&mut self, path: JsonPath, list: &'a [String]) -> BTreeSet<&'a str> {
        let mut set = BTreeSet::new();
        for (j, actor) in list.iter().enumerate() {
            if self.actor_ref(path.index(j), actor) && !set.insert(actor.as_str()) {
                self.error(path.index(j), format!("`{actor}` is listed twice"));
            }
        }
        set
    }

    /// Two references to distinct actors.
    fn actor_pair(&mut self, path: JsonPath, pair: &[String; 2]) {
        let a = self.actor_ref(path.index(0), &pair[0]);
        let b = self.actor_ref(path.index(1), &pair[1]);
        if a && b && pair[0] == pair[1] {
            self.error(
                path,
                format!("expected two different actors, found `{}` twice", pair[0]),
            );
        }
    }

    fn probability(&mut self, path: JsonPath, value: f64) {
        self.in_range(path, value, 0.0, 1.0);
    }

    fn in_range(&mut self, path: JsonPath, value: f64, lo: f64, hi: f64) {
        if !(value.is_finite() && (lo..=hi).contains(&value)) {
            self.error(
                path,
                format!("expected a number from {lo} to {hi}, found {value}"),
            );
        }
    }

    /// A weight such as capability: only ratios matter, and the bound keeps every sum finite.
    fn positive(&mut self, path: JsonPath, value: f64) {
        if !(value.is_finite() && value > 0.0 && value <= MAX_WEIGHT) {
            self.error(
                path,
                format!("expected a number greater than 0 and at most 1e12, found {value}"),
            );
        }
    }

    /// A step that must fall inside the horizon `0..steps`.
    fn step(&mut self, path: JsonPath, step: Step) {
        if step >= self.s.steps {
            self.error(
                path,
                format!(
                    "step {step} is outside the horizon: steps run from 0 to {}",
                    self.s.steps.saturating_sub(1)
                ),
            );
        }
    }

    /// An end step, which may equal the horizon (the range then runs to the end).
    fn end_step(&mut self, path: JsonPath, step: Step) {
        if step > self.s.steps {
            self.error(
                path,
                format!(
                    "step {step} is past the horizon of {} steps; leave it out if it outlasts the run",
                    self.s.steps
                ),
            );
        }
    }

    fn check_regions(&mut self) {
        let s = self.s;
        for (i, region) in s.regions.iter().enumerate() {
            if let Some(parent) = &region.within {
                let path = root().key("regions").index(i).key("within");
                if parent == &region.id {
                    self.error(
                        path,
                        format!("region `{}` cannot lie within itself", region.id),
                    );
                } else {
                    self.region_ref(path, parent);
                }
            }
        }
        // Walk each region's chain of parents; a chain longer than the number of regions loops.
        for (i, region) in s.regions.iter().enumerate() {
            let mut current = region.within.as_deref();
            let mut hops = 0;
            while let Some(parent) = current {
                if parent == region.id {
                    self.error(
                        root().key("regions").index(i).key("within"),
                        format!("the regions within `{}` form a cycle", region.id),
                    );
                    break;
                }
                hops += 1;
                if hops > self.regions.len() {
                    break; // a cycle above this region, reported at one of its own members
                }
                current = self.regions.get(parent).copied().flatten();
            }
        }
    }

    fn check_actors(&mut self) {
        let s = self.s;
        for (i, actor) in s.actors.iter().enumerate() {
            let path = root().key("actors").index(i);
            self.non_empty(path.key("name"), &actor.name, "name");
            self.positive(path.key("capability"), actor.capability);
            if let Some(economy) = actor.economy {
                self.positive(path.key("economy"), economy);
            }
            if let Some(v) = actor.voluntary_entry {
                self.in_range(path.key("voluntary_entry"), v, 0.0, 1000.0);
            }
            if let Some(regions) = &actor.regions {
                if regions.is_empty() {
                    self.error(
                        path.key("regions"),
                        "expected at least one region; leave `regions` out for the implicit one",
                    );
                }
                for (j, region) in regions.iter().enumerate() {
                    self.region_ref(path.key("regions").index(j), region);
                }
            }
        }
    }

    fn check_stances(&mut self) {
        let s = self.s;
        let mut seen = BTreeSet::new();
        for (i, stance) in s.stances.iter().enumerate() {
            let path = root().key("stances").index(i);
            self.in_range(path.key("value"), stance.value, -1.0, 1.0);
            let pairs: Vec<(&str, &str)> = match (&stance.from, &stance.to, &stance.between) {
                (Some(from), Some(to), None) => {
                    let a = self.actor_ref(path.key("from"), from);
                    let b = self.actor_ref(path.key("to"), to);
                    if a && b && from == to {
                        self.error(path.clone(), format!("a stance of `{from}` toward itself"));
                    }
                    vec![(from, to)]
                }
                (None, None, Some(pair)) => {
                    self.actor_pair(path.key("between"), pair);
                    vec![(&pair[0], &pair[1]), (&pair[1], &pair[0])]
                }
                _ => {
                    self.error(
                        path,
                        "expected either `from` and `to` (one direction) or `between` (both)",
                    );
                    continue;
                }
            };
            for pair in pairs {
                if pair.0 != pair.1 && !seen.insert(pair) {
                    self.error(
                        path.clone(),
                        format!(
                            "the stance of `{}` toward `{}` is given twice",
                            pair.0, pair.1
                        ),
                    );
                }
            }
        }
    }

    fn check_dyads(&mut self) {
        let s = self.s;
        let mut seen = BTreeSet::new();
        for (i, dyad) in s.dyads.iter().enumerate() {
            let path = root().key("dyads").index(i);
            self.actor_pair(path.key("between"), &dyad.between);
            if let Some(rate) = dyad.onset_rate {
                self.in_range(path.key("onset_rate"), rate, 0.0, 1000.0);
            }
            for (key, share) in [
                ("force_share", dyad.force_share),
                ("seizure_share", dyad.seizure_share),
                ("lethal_share", dyad.lethal_share),
            ] {
                if let Some(share) = share {
                    self.in_range(path.key(key), share, 0.0, 1.0);
                }
            }
            if let Some(region) = &dyad.region {
                self.region_ref(path.key("region"), region);
            }
            let key = if dyad.between[0] <= dyad.between[1] {
                (&dyad.between[0], &dyad.between[1])
            } else {
                (&dyad.between[1], &dyad.between[0])
            };
            if !seen.insert(key) {
                self.error(
                    path.key("between"),
                    format!("the pair `{}`–`{}` is listed twice", key.0, key.1),
                );
            }
        }
    }

    fn check_treaties(&mut self) {
        let s = self.s;
        for (i, treaty) in s.treaties.iter().enumerate() {
            let path = root().key("treaties").index(i);
            if treaty.members.len() < 2 {
                self.error(path.key("members"), "a treaty needs at least two members");
            }
            if treaty.members.len() > MAX_MEMBERS {
                self.error(
                    path.key("members"),
                    format!(
                        "{} members, more than the limit of {MAX_MEMBERS}",
                        treaty.members.len()
                    ),
                );
            }
            let members = self.actor_set(path.key("members"), &treaty.members);
            self.step(path.key("in_force").key("from"), treaty.in_force.from);
            if let Some(until) = treaty.in_force.until {
                self.end_step(path.key("in_force").key("until"), until);
                if until <= treaty.in_force.from {
                    self.error(
                        path.key("in_force"),
                        format!(
                            "`until` ({until}) must come after `from` ({})",
                            treaty.in_force.from
                        ),
                    );
                }
            }
            if treaty.obligations.is_empty() {
                self.error(
                    path.key("obligations"),
                    "a treaty needs at least one obligation",
                );
            }
            if treaty.obligations.len() > MAX_OBLIGATIONS {
                self.error(
                    path.key("obligations"),
                    format!(
                        "{} obligations, more than the limit of {MAX_OBLIGATIONS}",
                        treaty.obligations.len()
                    ),
                );
            }
            let mut ids = BTreeSet::new();
            for (j, obligation) in treaty.obligations.iter().enumerate() {
                let path = path.key("obligations").index(j);
                if self.valid_id(path.key("id"), &obligation.id, "obligation")
                    && !ids.insert(obligation.id.as_str())
                {
                    self.error(
                        path.key("id"),
                        format!(
                            "duplicate obligation id `{}` in treaty `{}`",
                            obligation.id, treaty.id
                        ),
                    );
                }
                self.check_obligation(path, treaty, &members, obligation);
            }
        }
        self.check_after_cycles();
        let directed: usize = s
            .treaties
            .iter()
            .map(|t| {
                let m = t.members.len();
                t.obligations
                    .iter()
                    .map(|o| match (&o.holder, &o.partner) {
                        (Some(_), Some(_)) => 1,
                        (Some(_), None) | (None, Some(_)) => m.saturating_sub(1),
                        (None, None) => m * m.saturating_sub(1),
                    })
                    .sum::<usize>()
            })
            .sum();
        if directed > MAX_DIRECTED_OBLIGATIONS {
            self.error(
                root().key("treaties"),
                format!(
                    "the treaties expand to {directed} directed obligations, more than the limit of \
                     {MAX_DIRECTED_OBLIGATIONS}; give large treaties' clauses a holder or a partner"
                ),
            );
        }
    }

    fn check_obligation(
        &mut self,
        path: JsonPath,
        treaty: &Treaty,
        members: &BTreeSet<&str>,
        obligation: &Obligation,
    ) {
        for (key, party) in [
            ("holder", &obligation.holder),
            ("partner", &obligation.partner),
        ] {
            if let Some(party) = party
                && self.actors.contains(party.as_str())
                && !members.contains(party.as_str())
            {
                self.out.push(
                    Diagnostic::new(
                        path.key(key),
                        format!("`{party}` is not a member of treaty `{}`", treaty.id),
                    )
                    .suggest(did_you_mean(party, members.iter().copied())),
                );
            } else if let Some(party) = party
                && !self.actors.contains(party.as_str())
            {
                self.actor_ref(path.key(key), party);
            }
        }
        if let (Some(holder), Some(partner)) = (&obligation.holder, &obligation.partner)
            && holder == partner
        {
            self.error(
                path.key("partner"),
                format!("`{holder}` cannot owe an obligation to itself"),
            );
        }
        if let Some(reliability) = obligation.reliability {
            self.probability(path.key("reliability"), reliability);
        }

        let trigger = &obligation.trigger;
        let tpath = path.key("trigger");
        if trigger.min_level == Some(Level::Peace) {
            self.error(
                tpath.key("min_level"),
                "expected a level from 1 to 7: level 0 is peace",
            );
        }
        if let Some(adversaries) = &trigger.adversaries {
            if adversaries.is_empty() {
                self.error(
                    tpath.key("adversaries"),
                    "expected at least one adversary; leave `adversaries` out for any attacker",
                );
            }
            for (k, actor) in adversaries.iter().enumerate() {
                self.actor_ref(tpath.key("adversaries").index(k), actor);
            }
        }
        if trigger.adversaries_allies && trigger.adversaries.is_none() {
            self.error(
                tpath.key("adversaries_allies"),
                "expected `adversaries` beside it: the states whose allies count too",
            );
        }
        for (k, actor) in trigger.adversaries_exclude.iter().enumerate() {
            let apath = tpath.key("adversaries_exclude").index(k);
            if self.actor_ref(apath.clone(), actor)
                && trigger
                    .adversaries
                    .as_ref()
                    .is_some_and(|a| a.contains(actor))
            {
                self.error(
                    apath,
                    format!("`{actor}` is both a named adversary and excluded"),
                );
            }
        }
        if let Some(n) = trigger.min_adversaries
            && (n == 0 || n as usize > self.s.actors.len())
        {
            self.error(
                tpath.key("min_adversaries"),
                format!(
                    "expected from 1 to {} (the number of actors), found {n}",
                    self.s.actors.len()
                ),
            );
        }
        if let Some(regions) = &trigger.regions {
            if regions.is_empty() {
                self.error(
                    tpath.key("regions"),
                    "expected at least one region; leave `regions` out for anywhere",
                );
            }
            for (k, region) in regions.iter().enumerate() {
                self.region_ref(tpath.key("regions").index(k), region);
            }
        }
        if let Some(after) = &trigger.after {
            let (treaty_id, obligation_id) = split_after(after, &treaty.id);
            if treaty_id == treaty.id && obligation_id == obligation.id {
                self.error(
                    tpath.key("after"),
                    format!("obligation `{after}` cannot wait for itself"),
                );
            } else if let Some(other) = self.treaty_ref(tpath.key("after"), treaty_id)
                && !other.obligations.iter().any(|o| o.id == obligation_id)
            {
                let suggestion = did_you_mean(
                    obligation_id,
                    other.obligations.iter().map(|o| o.id.as_str()),
                );
                self.out.push(
                    Diagnostic::new(
                        tpath.key("after"),
                        format!("treaty `{treaty_id}` has no obligation `{obligation_id}`"),
                    )
                    .suggest(suggestion),
                );
            }
        }

        let rpath = path.key("response");
        if obligation.response.level == Some(Level::Peace) {
            self.error(
                rpath.key("level"),
                "expected a level from 1 to 7: level 0 is peace",
            );
        }
        if let Some([min, max]) = obligation.response.delay {
            if min > max {
                self.error(
                    rpath.key("delay"),
                    format!("expected [min, max] with min ≤ max, found [{min}, {max}]"),
                );
            }
            self.step(rpath.key("delay").index(1), max);
        }
    }

    /// `after` links between obligations must not loop, or no obligation in the loop could fire.
    fn check_after_cycles(&mut self) {
        let s = self.s;
        let mut next: BTreeMap<(&str, &str), (&str, &str)> = BTreeMap::new();
        let mut paths = BTreeMap::new();
        for (i, treaty) in s.treaties.iter().enumerate() {
            for (j, obligation) in treaty.obligations.iter().enumerate() {
                if let Some(after) = &obligation.trigger.after {
                    let key = (treaty.id.as_str(), obligation.id.as_str());
                    next.insert(key, split_after(after, &treaty.id));
                    paths.insert(
                        key,
                        root()
                            .key("treaties")
                            .index(i)
                            .key("obligations")
                            .index(j)
                            .key("trigger")
                            .key("after"),
                    );
                }
            }
        }
        let mut reported = BTreeSet::new();
        for (&start, path) in &paths {
            let mut current = start;
            for _ in 0..next.len() {
                let Some(&following) = next.get(&current) else {
                    break;
                };
                if following == start {
                    if reported.insert(start) {
                        self.error(
                            path.clone(),
                            format!(
                                "`after` links form a cycle through `{}/{}`, so none of them can fire",
                                start.0, start.1
                            ),
                        );
                    }
                    break;
                }
                current = following;
            }
        }
    }

    fn check_sanctions(&mut self) {
        let s = self.s;
        for (i, regime) in s.sanctions.iter().enumerate() {
            let path = root().key("sanctions").index(i);
            if regime.senders.is_empty() {
                self.error(path.key("senders"), "expected at least one sender");
            }
            self.actor_set(path.key("senders"), &regime.senders);
            for (j, sender) in regime.senders.iter().enumerate() {
                if sender == &regime.target {
                    let spath = path.key("senders").index(j);
                    self.error(spath, format!("`{sender}` cannot sanction itself"));
                }
            }
            self.actor_ref(path.key("target"), &regime.target);
            self.probability(path.key("intensity"), regime.intensity);
            self.span(
                &path,
                ("from", regime.from),
                regime.until,
                regime.when.as_ref(),
            );
            if regime.dormant && (regime.when.is_some() || regime.from.is_some()) {
                self.error(
                    path.key("dormant"),
                    "a dormant regime is imposed only by a `sanction` event; remove `from` and `when`",
                );
            }
        }
    }

    fn condition(&mut self, path: JsonPath, condition: &Condition, depth: usize) {
        if depth == 0 && nesting(condition, 0) > MAX_CONDITION_DEPTH {
            self.error(
                path,
                format!("conditions nest deeper than {MAX_CONDITION_DEPTH} levels"),
            );
            return;
        }
        match condition {
            Condition::AtWar(pair) => self.actor_pair(path.key("at_war"), pair),
            Condition::Level { between, at_least } => {
                self.actor_pair(path.key("level").key("between"), between);
                if *at_least == Level::Peace {
                    self.error(
                        path.key("level").key("at_least"),
                        "level 0 always holds; expected 1 to 7",
                    );
                }
            }
            Condition::ActorLevel { actor, at_least } => {
                self.actor_ref(path.key("actor_level").key("actor"), actor);
                if *at_least == Level::Peace {
                    self.error(
                        path.key("actor_level").key("at_least"),
                        "level 0 always holds; expected 1 to 7",
                    );
                }
            }
            Condition::Step { at_least } => self.step(path.key("step").key("at_least"), *at_least),
            Condition::InForce(treaty) => {
                self.treaty_ref(path.key("in_force"), treaty);
            }
            Condition::All(list) | Condition::Any(list) => {
                let key = if matches!(condition, Condition::All(_)) {
                    "all"
                } else {
                    "any"
                };
                if list.is_empty() {
                    self.error(path.key(key), "expected at least one condition");
                }
                for (i, inner) in list.iter().enumerate() {
                    self.condition(path.key(key).index(i), inner, depth + 1);
                }
            }
            Condition::Not(inner) => self.condition(path.key("not"), inner, depth + 1),
        }
    }

    fn check_events(&mut self) {
        let s = self.s;
        for (i, event) in s.events.iter().enumerate() {
            let path = root().key("events").index(i);
            self.check_event_timing(&path, event);
            self.check_event_action(&path, event);
        }
    }

    fn check_event_timing(&mut self, path: &JsonPath, e: &Event) {
        if let Some(at) = e.at {
            self.step(path.key("at"), at);
            for (key, given) in [
                ("window", e.window.is_some()),
                ("probability", e.probability.is_some()),
                ("hazard", e.hazard.is_some()),
            ] {
                if given {
                    self.error(path.key(key), format!("`{key}` does not go with `at`: an event happens at a fixed step or at a random one"));
                }
            }
        }
        if let Some([first, last]) = e.window {
            if first > last {
                self.error(
                    path.key("window"),
                    format!("expected [first, last] with first ≤ last, found [{first}, {last}]"),
                );
            }
            self.step(path.key("window").index(1), last);
            if e.probability.is_none() && e.hazard.is_none() && e.at.is_none() {
                self.error(
                    path.key("window"),
                    "a `window` needs a `probability` or a `hazard`",
                );
            }
        }
        if let Some(p) = e.probability {
            self.probability(path.key("probability"), p);
            if e.window.is_none() {
                self.error(
                    path.key("probability"),
                    "a `probability` needs a `window` of steps to fall in",
                );
            }
            if e.hazard.is_some() {
                self.error(
                    path.key("hazard"),
                    "give either `probability` or `hazard`, not both",
                );
            }
        }
        if let Some(h) = e.hazard {
            self.probability(path.key("hazard"), h);
        }
        if let Some(when) = &e.when {
            self.condition(path.key("when"), when, 0);
        }
        if e.at.is_none() && e.probability.is_none() && e.hazard.is_none() && e.when.is_none() {
            self.error(
                path.clone(),
                "an event needs a time: `at`, `probability` with `window`, `hazard`, or `when`",
            );
        }
    }

    fn check_event_action(&mut self, path: &JsonPath, e: &Event) {
        use EventKind::*;
        // The fields each kind takes; any other action field is a mistake.
        let allowed: &[&str] = match e.kind {
            Attack => &[
                "by",
                "on",
                "level",
                "region",
                "action",
                "lethal",
                "under_way",
            ],
            Dispute => &["by", "on", "level", "region"],
            Sanction | Lift => &["regime"],
            Sign => &["treaty"],
            Withdraw => &["treaty", "actor"],
            Stance => &["from", "to", "between", "value", "delta"],
            Ceasefire => &["between"],
            Join => &["by", "on", "level"],
            Declare => &["by", "on", "under_way"],
        };
        let given = [
            ("by", e.by.is_some()),
            ("on", e.on.is_some()),
            ("level", e.level.is_some()),
            ("region", e.region.is_some()),
            ("action", e.action.is_some()),
            ("lethal", e.lethal.is_some()),
            ("regime", e.regime.is_some()),
            ("treaty", e.treaty.is_some()),
            ("actor", e.actor.is_some()),
            ("from", e.from.is_some()),
            ("to", e.to.is_some()),
            ("between", e.between.is_some()),
            ("value", e.value.is_some()),
            ("delta", e.delta.is_some()),
            ("under_way", e.under_way.is_some()),
        ];
        let kind = kind_name(e.kind);
        for (key, present) in given {
            if present && !allowed.contains(&key) {
                self.error(
                    path.key(key),
                    format!(
                        "`{key}` does not apply to a `{kind}` event, which takes {}",
                        list(allowed)
                    ),
                );
            }
        }
        match e.kind {
            Attack | Dispute => {
                self.by_and_on(path, kind, e);
                let (lo, hi) = if e.kind == Attack {
                    (Level::Force, Level::MAX)
                } else {
                    (Level::Dispute, Level::Display)
                };
                if let Some(level) = e.level
                    && !(lo..=hi).contains(&level)
                {
                    let hint = if e.kind == Attack {
                        "below force, use a `dispute` event"
                    } else {
                        "force and above is an `attack` event"
                    };
                    self.error(
                        path.key("level"),
                        format!(
                            "a `{kind}` event takes a level from {} to {}, found {level}; {hint}",
                            lo.number(),
                            hi.number(),
                        ),
                    );
                }
                if let Some(region) = &e.region {
                    self.region_ref(path.key("region"), region);
                }
            }
            Sanction | Lift => {
                if let Some(regime) = self.required(path, kind, "regime", &e.regime) {
                    self.regime_ref(path.key("regime"), regime);
                }
            }
            Sign | Withdraw => {
                if let Some(id) = self.required(path, kind, "treaty", &e.treaty)
                    && let Some(treaty) = self.treaty_ref(path.key("treaty"), id)
                    && let Some(actor) = &e.actor
                    && self.actor_ref(path.key("actor"), actor)
                    && !treaty.members.contains(actor)
                {
                    self.error(
                        path.key("actor"),
                        format!("`{actor}` is not a member of treaty `{id}`"),
                    );
                }
            }
            Stance => {
                match (&e.from, &e.to, &e.between) {
                    (Some(from), Some(to), None) => {
                        let a = self.actor_ref(path.key("from"), from);
                        let b = self.actor_ref(path.key("to"), to);
                        if a && b && from == to {
                            self.error(
                                path.key("to"),
                                format!("a stance of `{from}` toward itself"),
                            );
                        }
                    }
                    (None, None, Some(pair)) => self.actor_pair(path.key("between"), pair),
                    _ => self.error(
                        path.clone(),
                        "a `stance` event needs either `from` and `to` or `between`",
                    ),
                }
                match (e.value, e.delta) {
                    (Some(value), None) => self.in_range(path.key("value"), value, -1.0, 1.0),
                    (None, Some(delta)) => self.in_range(path.key("delta"), delta, -2.0, 2.0),
                    _ => self.error(
                        path.clone(),
                        "a `stance` event needs exactly one of `value` and `delta`",
                    ),
                }
            }
            Ceasefire => {
                if let Some(pair) = self.required(path, kind, "between", &e.between) {
                    self.actor_pair(path.key("between"), pair);
                }
            }
            Declare => self.by_and_on(path, kind, e),
            Join => {
                self.by_and_on(path, kind, e);
                if e.level == Some(Level::Peace) {
                    self.error(
                        path.key("level"),
                        "a `join` event takes a level from 1 to 7, found 0",
                    );
                }
            }
        }
    }

    /// The two actors of an attack, dispute or join: both required, known, and not the same.
    fn by_and_on(&mut self, path: &JsonPath, kind: &str, e: &Event) {
        if let Some(by) = self.required(path, kind, "by", &e.by) {
            self.actor_ref(path.key("by"), by);
        }
        if let Some(on) = self.required(path, kind, "on", &e.on)
            && self.actor_ref(path.key("on"), on)
            && e.by.as_ref() == Some(on)
        {
            self.error(path.key("on"), format!("`{on}` cannot act against itself"));
        }
    }

    /// The value of a field the event's kind requires, or an error saying it is missing.
    fn required<'v, T>(
        &mut self,
        path: &JsonPath,
        kind: &str,
        key: &str,
        value: &'v Option<T>,
    ) -> Option<&'v T> {
        if value.is_none() {
            self.error(path.clone(), format!("a `{kind}` event needs `{key}`"));
        }
        value.as_ref()
    }

    fn check_parameters(&mut self) {
        let p = &self.s.parameters;
        let path = root().key("parameters");
        for (name, value, lo, hi) in p.ranges() {
            self.in_range(path.key(name), value, lo, hi);
        }
        let starts = p.start_threat + p.start_display + p.start_force;
        if starts <= 0.0 || starts.is_nan() {
            self.error(
                path.key("start_force"),
                "the starting-level weights `start_threat`, `start_display` and `start_force` must not all be 0",
            );
        }
    }
}

/// How deeply `all` / `any` / `not` nest in a condition, counting no further than one past the limit.
fn nesting(condition: &Condition, depth: usize) -> usize {
    if depth > MAX_CONDITION_DEPTH {
        return depth;
    }
    match condition {
        Condition::All(list) | Condition::Any(list) => list
            .iter()
            .map(|inner| nesting(inner, depth + 1))
            .max()
            .unwrap_or(depth),
        Condition::Not(inner) => nesting(inner, depth + 1),
        _ => depth,
    }
}

/// The id of the event at `index`: its own, or `event<index>`.
pub fn event_id(event: &Event, index: usize) -> String {
    event.id.clone().unwrap_or_else(|| format!("event{index}"))
}

/// Splits an `after` reference into treaty and obligation ids; a bare id means the same treaty.
pub fn split_after<'r>(after: &'r str, own_treaty: &'r str) -> (&'r str, &'r str) {
    after.split_once('/').unwrap_or((own_treaty, after))
}

fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Attack => "attack",
        EventKind::Dispute => "dispute",
        EventKind::Sanction => "sanction",
        EventKind::Lift => "lift",
        EventKind::Sign => "sign",
        EventKind::Withdraw => "withdraw",
        EventKind::Stance => "stance",
        EventKind::Ceasefire => "ceasefire",
        EventKind::Join => "join",
        EventKind::Declare => "declare",
    }
}

fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "did you mean `PRK`?" for the known name closest to `unknown`, if one is close enough.
pub fn did_you_mean<'k>(unknown: &str, known: impl IntoIterator<Item = &'k str>) -> Option<String> {
    let lower = unknown.to_lowercase();
    let limit = (unknown.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|candidate| {
            let candidate_lower = candidate.to_lowercase();
            let distance = if candidate_lower == lower {
                0
            } else if lower.chars().count() >= 3 && candidate_lower.starts_with(&lower) {
                1 // an abbreviation: `triple` for `triple_alliance`
            } else {
                edit_distance(&lower, &candidate_lower)
            };
            (distance, candidate)
        })
        // A single shared character is no evidence: `C` should not suggest `A`.
        .filter(|&(distance, candidate)| {
            let longer = unknown.chars().count().max(candidate.chars().count());
            distance == 0 || (distance <= limit && distance < longer)
        })
        .min()
        .map(|(_, candidate)| format!("did you mean `{candidate}`?"))
}

/// Edit distance between two strings, by characters: insertions, deletions, substitutions and
/// swaps of neighbours (`nroth` → `north` is one edit), each counting 1.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between the first i characters of a and the first j of b.
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_known_id() {
        let known = ["PRK", "ROK", "USA"];
        assert_eq!(
            did_you_mean("PRKK", known),
            Some("did you mean `PRK`?".into())
        );
        assert_eq!(
            did_you_mean("usa", known),
            Some("did you mean `USA`?".into())
        );
        assert_eq!(did_you_mean("FRANCE", known), None);
        assert_eq!(
            did_you_mean("triple", ["triple_alliance", "dual_alliance"]),
            Some("did you mean `triple_alliance`?".into())
        );
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("nroth", "north"), 1);
    }
}
