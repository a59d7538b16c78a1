//! Phases 1 and 5 (docs/MODEL.md §1.3, §3.5–3.6): entries after their delays; obligation triggers
//! with their cascades, the honouring draws, and voluntary entry.

use std::cmp::Reverse;

use super::conflict::{ConflictIx, Fired, Route, Side};
use super::draws::Purpose;
use super::observe::{Event, Observer};
use super::outcome::Trigger;
use super::rules::HonourContext;
use super::triggers::{self, Firing};
use super::world::{ActorIx, ClauseIx, ObligationIx};
use super::{Pending, Simulation};
use crate::model::Level;
use crate::scenario::{ObligationKind, Support};

impl<'w> Simulation<'w> {
    pub(super) fn obligations(&mut self, obs: &mut dyn Observer) {
        self.fire_obligations(obs);
        self.voluntary_entry(obs);
        self.coalition_entry(obs);
    }

    /// Entries whose delay has run out join at the start of the step, unless the conflict has ended
    /// or the holder has joined it another way meanwhile.
    pub(super) fn make_due_entries(&mut self, obs: &mut dyn Observer) {
        let t = self.step;
        let due: Vec<Pending> = self.pending.iter().filter(|p| p.at <= t).cloned().collect();
        self.pending.retain(|p| p.at > t);
        for p in due {
            let conflict = &self.conflicts[p.conflict];
            if conflict.is_active() && !self.takes_part(p.actor, p.conflict) {
                self.join(p.conflict, p.actor, p.side, p.via, p.cap, obs);
            }
        }
    }

    /// Fires every obligation whose conditions hold, repeating until none does: an obligation that
    /// fires can satisfy another's `after`, and an entry with no delay changes who is engaged. Each
    /// round checks every (conflict, obligation) pair in index order; each pair fires at most once
    /// per step (a second firing, at war scale after a limited one, needs a new attack), so the
    /// cascade ends within as many rounds as there are obligations.
    fn fire_obligations(&mut self, obs: &mut dyn Observer) {
        let world = self.world;
        let mobilisation = !world.mobilize_obligations.is_empty();
        // Mobilisation reads holders' levels in other conflicts: any change means checking all.
        let mut all = self.derived.check_all(mobilisation);
        let mut candidates = std::mem::take(&mut self.scratch.candidates);
        let mut due = std::mem::take(&mut self.scratch.due);
        let mut stale = std::mem::take(&mut self.scratch.stale);
        for _round in 0..=world.obligations.len() {
            // Every obligation whose conditions hold at the start of the round...
            due.clear();
            for &c in self.membership.active() {
                // Checked now, whether or not it moved.
                self.derived.take_moved(c, &mut stale);
                if !all && stale.is_fresh() {
                    continue;
                }
                let level = self.conflicts[c].level;
                self.candidates(c, &mut candidates);
                for &ob in &candidates {
                    if !all && !stale.affects(&world.obligations[ob], level) {
                        // Failed at the last check, and nothing it reads has changed.
                        #[cfg(test)]
                        {
                            assert!(self.verdict(ob, c).is_err(), "{ob:?} skipped in {c:?}");
                            SKIPPED.set(SKIPPED.get() + 1);
                        }
                        continue;
                    }
                    if !self.conflicts[c].has_fired_at_war(ob) && self.verdict(ob, c).is_ok() {
                        due.push((c, ob));
                    }
                }
            }
            if due.is_empty() {
                break;
            }
            // ...fires in a canonical order, checked again as earlier firings change who takes
            // part where, so that the result does not depend on the order of listing.
            if due.len() > 1 {
                let mut keyed = std::mem::take(&mut self.scratch.keyed);
                keyed.clear();
                keyed.extend(due.iter().map(|&d| (self.firing_key(d), d)));
                // The keys are a total order: an unstable sort gives the one result.
                keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                due.clear();
                due.extend(keyed.iter().map(|&(_, d)| d));
                self.scratch.keyed = keyed;
            }
            for &(c, ob) in &due {
                if let Ok(firing) = self.verdict(ob, c) {
                    self.fire(ob, c, firing, obs);
                }
            }
            // Firings mark their conflicts dirty; only those need another round.
            all = mobilisation && self.derived.any_moved();
        }
        self.scratch.candidates = candidates;
        self.scratch.due = due;
        self.scratch.stale = stale;
        self.derived.checked();
    }

    /// The trigger check of obligation `ob` for conflict `c` now.
    fn verdict(&self, ob: ObligationIx, c: ConflictIx) -> triggers::Verdict {
        let world = self.world;
        let o = &world.obligations[ob];
        let ctx = triggers::Context {
            step: self.step,
            in_force: self.obligation_in_force(ob),
            // Only mobilisation reads the holder's level; skip the scan for the rest.
            holder_level: if o.kind == ObligationKind::Mobilize {
                self.actor_level(o.holder)
            } else {
                Level::Peace
            },
        };
        triggers::check(world, ob, &self.conflicts[c], &ctx)
    }

    /// The key by which obligations due in the same round fire, smallest first: by conflict; then
    /// by kind: neutrality first (a duty to abstain binds before an entry can break it), then
    /// defense, offense, consultation and mobilisation; then the holder's warmer partner; then the
    /// partner that joined the conflict first; then the stronger holder; then the stronger partner;
    /// then by treaty, clause, holder and partner id, which identify a directed obligation (its
    /// index keeps the order total). Only the last keys are labels, and they decide only between
    /// obligations alike in everything else. The partner's strength matters for mobilisation: one
    /// holder's clauses towards two partners that take no part can bind it to opposite sides, and
    /// which fires first must not rest on a name. Computed once per obligation due, not once per
    /// comparison.
    fn firing_key(&self, (c, ob): (ConflictIx, ObligationIx)) -> FiringKey<'w> {
        let world = self.world;
        let o = &world.obligations[ob];
        let strength = match o.kind {
            ObligationKind::Neutrality => 0,
            ObligationKind::Defense => 1,
            ObligationKind::Offense => 2,
            ObligationKind::Consultation => 3,
            ObligationKind::Mobilize => 4,
            ObligationKind::NonAggression => 5,
        };
        let position = self.conflicts[c]
            .participants
            .iter()
            .position(|p| p.actor == o.partner)
            .unwrap_or(usize::MAX);
        let clause = &world.clauses[o.clause];
        FiringKey {
            conflict: c,
            strength,
            warmth: Reverse(Total(self.stance(o.holder, o.partner))),
            position,
            holder: Reverse(Total(world.actors[o.holder].capability)),
            partner: Reverse(Total(world.actors[o.partner].capability)),
            label: [
                &world.treaties[clause.treaty].id,
                &clause.id,
                &world.actors[o.holder].id,
                &world.actors[o.partner].id,
            ],
            obligation: ob,
        }
    }

    /// The obligations that could fire for conflict `c`, into `out`: those owed to a participant,
    /// and every mobilisation obligation. Once force has been used, only attacks qualify, and an
    /// attack qualifies only if it names the partner (`triggers::check`): the obligations owed to a
    /// participant no attack names are left out, which in a war that has drawn in whole blocs is
    /// most of them. Without repeats, since an obligation has one partner and
    /// `obligations_by_partner` leaves mobilisation out; in no particular order, since what fires
    /// is sorted by `firing_key`, a total order.
    fn candidates(&self, c: ConflictIx, out: &mut Vec<ObligationIx>) {
        let world = self.world;
        let conflict = &self.conflicts[c];
        out.clear();
        for p in &conflict.participants {
            let unnamed = !conflict.attacks.is_empty()
                && !conflict
                    .attacks
                    .iter()
                    .any(|a| a.attacker == p.actor || a.attacked == p.actor);
            if !unnamed {
                out.extend_from_slice(&world.obligations_by_partner[p.actor]);
            }
        }
        out.extend_from_slice(&world.mobilize_obligations);
        debug_assert!({
            let mut sorted = out.clone();
            sorted.sort_unstable();
            sorted.windows(2).all(|w| w[0] != w[1])
        });
    }

    /// Records a firing, draws once whether the holder honours, and acts on the answer.
    fn fire(&mut self, ob: ObligationIx, c: ConflictIx, firing: Firing, obs: &mut dyn Observer) {
        let world = self.world;
        let o = &world.obligations[ob];
        let t = self.step;
        self.conflicts[c].fired.push(Fired {
            obligation: ob,
            war: firing.war,
        });
        // A firing can satisfy another obligation's `after` in this conflict.
        self.derived.invalidate(super::derived::Change::Fired(c));
        let (honoured, probability) = if firing.engaged {
            (true, 1.0) // already fighting on that side: nothing to decide
        } else {
            let probability = self.honour_probability(ob, c, &firing);
            (
                self.decision(o.clause, c, firing.war) < probability,
                probability,
            )
        };
        let joins = matches!(
            o.kind,
            ObligationKind::Defense | ObligationKind::Offense | ObligationKind::Mobilize
        );
        if firing.engaged && joins {
            // Already on that side: honouring means taking part up to the response level.
            // Only mobilisation reads caps, and where there is any, the firing has every
            // obligation checked again.
            self.conflicts[c].raise_cap(o.holder, o.response_level);
            self.record_levels(c);
        }
        let joins_at = (honoured && joins && !firing.engaged).then(|| {
            let [min, max] = o.delay;
            t + if min == max {
                min
            } else {
                let ids = [self.world.keys.obligations[ob], self.conflicts[c].key()];
                self.draws.range(Purpose::Delay, 0, ids, min, max)
            }
        });
        self.outcome.triggers.push(Trigger {
            obligation: ob,
            conflict: c,
            step: t,
            adversaries: firing.adversaries.clone(),
            engaged: firing.engaged,
            war: firing.war,
            honoured,
            probability,
        });
        obs.observe(
            t,
            &Event::ObligationFired {
                obligation: ob,
                conflict: c,
                adversaries: firing.adversaries,
                engaged: firing.engaged,
                honoured,
                probability,
                joins_at,
            },
        );
        let p = &world.params;
        match (o.kind, honoured) {
            (ObligationKind::Neutrality, true) => {
                let honoured = crate::index::slot(&mut self.neutral, c);
                let at = honoured.partition_point(|&h| world.obligations[h].holder <= o.holder);
                honoured.insert(at, ob);
            }
            (ObligationKind::Consultation, true) => {
                for (a, b) in [(o.holder, o.partner), (o.partner, o.holder)] {
                    let s = self.stance_mut(a, b);
                    *s = (*s + p.consultation_shock).min(1.0);
                }
            }
            (_, false) => {
                let s = self.stance_mut(o.partner, o.holder);
                *s = (*s - p.defection_shock).max(-1.0);
            }
            _ => {}
        }
        if let Some(at) = joins_at {
            let cap = o.response_level;
            let entry = Pending {
                conflict: c,
                actor: o.holder,
                side: firing.side,
                at,
                via: Route::Obligation(ob),
                cap,
            };
            if at == t {
                self.join(c, entry.actor, entry.side, entry.via, entry.cap, obs);
            } else {
                self.pending.push(entry);
            }
        }
    }

    /// The uniform draw against which the holders of `clause` decide for conflict `c` at a scale:
    /// drawn at the first firing, shared by the clause's other holders. Each holder honours if it
    /// falls below its own probability, so each keeps its own chance and they decide together: the
    /// record's joins come in blocs (the seven Arab states that joined Kuwait's side in 1990 were
    /// every post-1945 join of a partner attacked at war scale; docs/MODEL.md §3.6).
    fn decision(&mut self, clause: ClauseIx, c: ConflictIx, war: bool) -> f64 {
        crate::index::slot(&mut self.decisions, c);
        let key = (clause, war);
        if let Some(d) = self.decisions[c].iter().find(|d| d.key == key) {
            return d.draw;
        }
        let ids = [
            self.world.keys.clauses[clause] ^ u64::from(war),
            self.conflicts[c].key(),
        ];
        let draw = self.draws.uniform(Purpose::Honour, 0, ids);
        self.decisions[c].push(Decision { key, draw });
        draw
    }

    fn honour_probability(&self, ob: ObligationIx, c: ConflictIx, firing: &Firing) -> f64 {
        let world = self.world;
        // A scenario switch, applied here so that no replaceable rule can ignore it.
        if world.params.honour_all {
            return 1.0;
        }
        let o = &world.obligations[ob];
        let adversaries = &firing.adversaries;
        let stance_adversary = adversaries
            .iter()
            .map(|&a| self.stance(o.holder, a))
            .sum::<f64>()
            / adversaries.len().max(1) as f64;
        let capability_adversary = self.side_view(c, firing.side.other()).capability;
        self.rules.honouring.probability(&HonourContext {
            holder: world.actors[o.holder].id.as_str(),
            partner: world.actors[o.partner].id.as_str(),
            treaty: world.treaties[o.treaty].id.as_str(),
            obligation: world.clauses[o.clause].id.as_str(),
            region: world.regions[self.conflicts[c].region].id.as_str(),
            reliability: o.reliability,
            stance_partner: self.stance(o.holder, o.partner),
            stance_adversary,
            capability_holder: self.effective_capability(o.holder),
            capability_adversary,
            war: firing.war,
            params: &world.params,
        })
    }

    /// A lethal supporter of a side in a conflict at force or above joins it with probability
    /// 1 − exp(−rate·v·gap·Δt), where v is its own `voluntary_entry` multiple and gap its stance gap
    /// between the sides; never against a partner of a neutrality or non-aggression obligation it
    /// holds.
    fn voluntary_entry(&mut self, obs: &mut dyn Observer) {
        let rate = self.world.params.voluntary_entry_rate;
        if rate <= 0.0 {
            return;
        }
        // Joining changes the postures: list the lethal ones first.
        let mut lethal = std::mem::take(&mut self.scratch.lethal);
        lethal.clear();
        lethal.extend(
            self.postures
                .iter()
                .filter(|p| {
                    p.support == Support::Lethal && self.conflicts[p.conflict].level >= Level::Force
                })
                .map(|p| (p.conflict, p.actor, p.side)),
        );
        for &(c, actor, side) in &lethal {
            if self.takes_part(actor, c) || self.bound_not_to_fight(actor, c, side) {
                continue;
            }
            let gap = self.stance_gap(actor, c, side);
            let propensity = self.world.actors[actor].voluntary_entry;
            let probability = self
                .world
                .per_step_from_yearly_rate(rate * propensity * gap.max(0.0));
            let ids = [actor.index() as u64, self.conflicts[c].key()];
            if self.draws.uniform(Purpose::Voluntary, self.step, ids) < probability {
                let cap = self.conflicts[c].level.min(Level::War);
                self.join(c, actor, side, Route::Voluntary, cap, obs);
            }
        }
        self.scratch.lethal = lethal;
    }

    /// Coalitions: a state holding an in-force defense obligation toward a state of global reach
    /// that fights a war joins that state's side with probability `coalition_entry` times its own
    /// `voluntary_entry` multiple, decided once per conflict, whatever fired or did not fire its
    /// obligation (for a war under way when the run began, only for those who join it in the run);
    /// never against a partner of a neutrality or non-aggression obligation it holds
    /// (docs/MODEL.md §3.6).
    fn coalition_entry(&mut self, obs: &mut dyn Observer) {
        let world = self.world;
        let q = world.params.coalition_entry;
        if q <= 0.0 {
            return;
        }
        // Joining changes the active conflicts: list the wars first (no allocation without one).
        let wars: Vec<ConflictIx> = self
            .membership
            .active()
            .iter()
            .copied()
            .filter(|&c| self.conflicts[c].level >= Level::War)
            .collect();
        for c in wars {
            let leaders: Vec<(ActorIx, Side)> = self.conflicts[c]
                .coalition_leaders(world)
                .map(|p| (p.actor, p.side))
                .collect();
            for (leader, side) in leaders {
                for &ob in &world.defenses_by_partner[leader] {
                    let holder = world.obligations[ob].holder;
                    if holder == leader
                        || self.takes_part(holder, c)
                        || !self.obligation_in_force(ob)
                    {
                        continue;
                    }
                    let joined = crate::index::slot(&mut self.coalition, c);
                    if joined.contains(&holder) {
                        continue;
                    }
                    joined.push(holder);
                    if self.bound_not_to_fight(holder, c, side) {
                        continue;
                    }
                    let p = (q * world.actors[holder].voluntary_entry).min(1.0);
                    let ids = [holder.index() as u64, self.conflicts[c].key()];
                    if self.draws.uniform(Purpose::Coalition, 0, ids) < p {
                        self.join(c, holder, side, Route::Voluntary, Level::War, obs);
                    }
                }
            }
        }
    }

    /// Whether joining `side` of conflict `c` would put `actor` against a partner of an in-force
    /// neutrality or non-aggression obligation it holds.
    pub(super) fn bound_not_to_fight(&self, actor: ActorIx, c: ConflictIx, side: Side) -> bool {
        let world = self.world;
        let conflict = &self.conflicts[c];
        world.constraints_by_holder[actor].iter().any(|&ob| {
            conflict.side_of(world.obligations[ob].partner) == Some(side.other())
                && self.obligation_in_force(ob)
        })
    }

    /// An actor's mean stance toward a side's members minus its mean stance toward the other's.
    pub(super) fn stance_gap(&self, actor: ActorIx, c: ConflictIx, side: Side) -> f64 {
        let conflict = &self.conflicts[c];
        super::stance_gap(self.stances_of(actor), |s| conflict.side(s), side)
    }
}

/// An honouring draw shared by the holders of a clause in one conflict at a scale
/// ([`Simulation::decision`]): the clause and whether the scale is war.
#[derive(Debug, Clone, Copy)]
pub(super) struct Decision {
    key: (ClauseIx, bool),
    draw: f64,
}

/// The order in which due obligations fire ([`Simulation::firing_key`]): compared field by field.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct FiringKey<'w> {
    conflict: ConflictIx,
    strength: u8,
    warmth: Reverse<Total>,
    position: usize,
    holder: Reverse<Total>,
    partner: Reverse<Total>,
    label: [&'w str; 4],
    obligation: ObligationIx,
}

/// A number ordered by `f64::total_cmp`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Total(f64);

impl PartialEq for Total {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Total {}

impl PartialOrd for Total {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Total {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
thread_local! {
    /// Verdicts skipped as unchanged on this thread, each checked to fail (unit tests only).
    static SKIPPED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use super::SKIPPED;
    use crate::engine::{Simulation, World};
    use crate::scenario::ObligationKind;

    /// Obligation checks skip what did not change (`derived::Stale`). In unit tests every skipped
    /// verdict is computed all the same and must fail. Run scenarios with every kind of clause,
    /// among them July 1914's `after` without its mobilisation clauses (with them, every
    /// obligation is checked at every change and nothing is skipped), and count the skips so that
    /// the check is known to run.
    #[test]
    fn no_skipped_verdict_holds() {
        for (file, without_mobilisation, runs) in [
            ("scenarios/world_2018.json", false, 3),
            ("scenarios/northeast_asia_2024.json", false, 40),
            ("scenarios/july_1914.json", true, 200),
            ("scenarios/july_1914.json", false, 60),
            ("scenarios/september_1939.json", false, 60),
            ("consultation on display", false, 200),
        ] {
            let mut scenario = match file.strip_suffix(".json") {
                Some(_) => crate::scenario::load(file).unwrap(),
                None => consultation_on_display(),
            };
            if without_mobilisation {
                for treaty in &mut scenario.treaties {
                    treaty
                        .obligations
                        .retain(|o| o.kind != ObligationKind::Mobilize);
                }
            }
            let world = World::new(&scenario).unwrap();
            SKIPPED.set(0);
            for run in 0..runs {
                Simulation::new(&world, 7, run).run_to_end(&mut ());
            }
            if world.mobilize_obligations.is_empty() {
                assert!(SKIPPED.get() > 0, "{file}: no verdict skipped");
            } else {
                assert_eq!(SKIPPED.get(), 0, "{file}: a verdict skipped");
            }
        }
    }

    /// The two-actor dispute with a third actor bound to consult with the target once the dispute
    /// reaches a show of force: a dispute that starts lower and rises passes its `min_level` with
    /// no other change, the one case where only the level calls for a check.
    fn consultation_on_display() -> crate::scenario::Scenario {
        let text = std::fs::read_to_string("scenarios/two_actor_dispute.json").unwrap();
        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json["actors"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!(
                {"id": "C", "name": "Gamma", "capability": 1.0, "economy": 1.0}
            ));
        json["treaties"] = serde_json::json!([{
            "id": "pact", "name": "Pact", "members": ["B", "C"],
            "obligations": [{"id": "consult", "kind": "consultation", "holder": "C",
                             "partner": "B", "trigger": {"min_level": "display"}}]
        }]);
        crate::scenario::parse(&json.to_string(), "consultation on display").unwrap()
    }
}
