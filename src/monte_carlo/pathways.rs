//! Runs by pathway in bounded memory (docs/MODEL.md §3.10): a Misra–Gries summary (Misra & Gries
//! 1982; merged as in Agarwal et al. 2013) kept over a fixed tree of blocks of runs, so that the
//! counts of a set of runs do not depend on how they were split among threads, shards or resumed
//! runs.
//!
//! Runs are grouped into dyadic blocks: a block holds the runs `start..start + runs`, where `runs`
//! is a power of two and `start` a multiple of it. Two blocks that are the halves of one are merged
//! into it as soon as both are counted, so any set of runs is held as the unique list of the
//! largest blocks it contains, and a block's counts are a function of its runs alone: exact while
//! it has at most [`CAPACITY`] pathways, and otherwise the Misra–Gries merge of its halves'. That
//! merge adds the halves' counts and, if more than [`CAPACITY`] pathways remain, takes the
//! (CAPACITY + 1)-th largest count off every count, dropping those that reach 0. A count is never
//! above the true one and falls short of it by at most the block's `shortfall`, the sum of what
//! was taken off in the block and its sub-blocks, which is at most runs / (CAPACITY + 1) since each
//! cut takes as much from at least CAPACITY + 1 pathways.
//!
//! Memory is therefore bounded by CAPACITY pathways per level of the tree, whatever the number of
//! runs: log₂ of the runs over CAPACITY levels are full at most.
//!
//! The number of distinct pathways is exact while no count has been cut, and beyond that estimated
//! by a HyperLogLog sketch (Flajolet, Fusy, Gandouet & Meunier 2007) of 4,096 registers, which
//! merges by taking each register's maximum and so is the same however the runs were split; its
//! standard error is 1.04/√4096, 1.6 %.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::engine::{key_of, mix};
use crate::model::Pathway;

/// The most pathways a block keeps. Below it every count is exact; above it each count may fall
/// short by at most runs / (CAPACITY + 1), 0.05 % of the runs.
pub const CAPACITY: usize = 2048;

/// Runs by pathway over a set of runs, as the largest dyadic blocks of runs it contains, in
/// order of their first run, and a sketch of the distinct pathways.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PathwayCounts {
    blocks: Vec<Block>,
    distinct: Distinct,
}

/// The registers of a HyperLogLog sketch: 2¹² of them, each the most leading zeros (plus one)
/// seen among the hashes that pick it. Written as 8,192 hex digits; empty before any run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
struct Distinct {
    registers: Vec<u8>,
}

/// log₂ of the number of registers.
const REGISTER_BITS: u32 = 12;

impl Distinct {
    fn add(&mut self, pathway: &Pathway) {
        // The engine's stable hash of a name: FNV-1a, then SplitMix64's finaliser to spread it
        // over every bit.
        let h = mix(key_of(pathway.as_str()));
        let register = (h >> (64 - REGISTER_BITS)) as usize;
        let rank = ((h << REGISTER_BITS).leading_zeros() + 1).min(64 - REGISTER_BITS + 1) as u8;
        self.grow();
        self.registers[register] = self.registers[register].max(rank);
    }

    fn merge(&mut self, other: &Distinct) {
        if other.registers.is_empty() {
            return;
        }
        self.grow();
        for (a, &b) in self.registers.iter_mut().zip(&other.registers) {
            *a = (*a).max(b);
        }
    }

    fn grow(&mut self) {
        if self.registers.is_empty() {
            self.registers = vec![0; 1 << REGISTER_BITS];
        }
    }

    /// The estimate, with the small-range correction (linear counting where registers are empty).
    fn estimate(&self) -> u64 {
        if self.registers.is_empty() {
            return 0;
        }
        let m = self.registers.len() as f64;
        let sum: f64 = self.registers.iter().map(|&r| (-f64::from(r)).exp2()).sum();
        let raw = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
        let empty = self.registers.iter().filter(|&&r| r == 0).count();
        let estimate = if raw <= 2.5 * m && empty > 0 {
            m * (m / empty as f64).ln()
        } else {
            raw
        };
        estimate.round() as u64
    }
}

impl TryFrom<String> for Distinct {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let bad = || "the distinct-pathway sketch is not 8,192 hex digits".to_owned();
        if text.is_empty() {
            return Ok(Distinct::default());
        }
        if text.len() != 2 << REGISTER_BITS {
            return Err(bad());
        }
        let registers = (0..text.len())
            .step_by(2)
            .map(|i| {
                text.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .filter(|&r| u32::from(r) <= 64 - REGISTER_BITS + 1)
            })
            .collect::<Option<Vec<u8>>>()
            .ok_or_else(bad)?;
        Ok(Distinct { registers })
    }
}

impl From<Distinct> for String {
    fn from(d: Distinct) -> String {
        d.registers.iter().fold(String::new(), |mut s, r| {
            let _ = write!(s, "{r:02x}");
            s
        })
    }
}

/// The counts of the dyadic block of runs `start..start + runs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// Its first run, a multiple of `runs`.
    pub start: u64,
    /// Its number of runs, a power of two.
    pub runs: u64,
    /// Runs by pathway: at most [`CAPACITY`] pathways, each count at most `shortfall` below the
    /// true one.
    pub counts: BTreeMap<Pathway, u64>,
    /// The most any count falls short of the true count (0: every count exact, and every pathway
    /// of the block present).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub shortfall: u64,
    /// Runs no longer counted under any pathway: the block's runs less the sum of its counts.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dropped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Block {
    /// Whether `other` is the other half of the block of twice the runs this is a half of.
    fn is_sibling(&self, other: &Block) -> bool {
        self.runs == other.runs && self.start ^ self.runs == other.start
    }

    /// The block of the two halves `left` and `right`: their counts added, cut to [`CAPACITY`]
    /// pathways if there are more.
    fn join(left: Block, right: Block) -> Block {
        let (mut counts, other) = if left.counts.len() >= right.counts.len() {
            (left.counts, right.counts)
        } else {
            (right.counts, left.counts)
        };
        for (pathway, n) in other {
            *counts.entry(pathway).or_default() += n;
        }
        let mut block = Block {
            start: left.start.min(right.start),
            runs: left.runs * 2,
            counts,
            shortfall: left.shortfall + right.shortfall,
            dropped: left.dropped + right.dropped,
        };
        if block.counts.len() > CAPACITY {
            let mut sizes: Vec<u64> = block.counts.values().copied().collect();
            let (_, &mut cut, _) = sizes.select_nth_unstable_by(CAPACITY, |a, b| b.cmp(a));
            block.counts.retain(|_, n| {
                let taken = (*n).min(cut);
                block.dropped += taken;
                *n -= taken;
                *n > 0
            });
            block.shortfall += cut;
        }
        block
    }
}

impl PathwayCounts {
    /// Counts run `run`'s pathway.
    pub fn add(&mut self, run: u64, pathway: &Pathway) {
        self.distinct.add(pathway);
        self.insert(Block {
            start: run,
            runs: 1,
            counts: BTreeMap::from([(pathway.clone(), 1)]),
            shortfall: 0,
            dropped: 0,
        });
    }

    /// Adds the counts of other runs (none of them counted here).
    pub fn merge(&mut self, other: &PathwayCounts) {
        for block in &other.blocks {
            self.insert(block.clone());
        }
        self.distinct.merge(&other.distinct);
    }

    /// Places a block of runs not yet counted, joining it with its other half while that is here.
    fn insert(&mut self, mut block: Block) {
        loop {
            let at = self.blocks.partition_point(|b| b.start < block.start);
            let sibling = [at.checked_sub(1), Some(at)]
                .into_iter()
                .flatten()
                .find(|&i| self.blocks.get(i).is_some_and(|b| b.is_sibling(&block)));
            match sibling {
                Some(i) => {
                    let other = self.blocks.remove(i);
                    block = if other.start < block.start {
                        Block::join(other, block)
                    } else {
                        Block::join(block, other)
                    };
                }
                None => {
                    self.blocks.insert(at, block);
                    return;
                }
            }
        }
    }

    /// Runs `range[0]..range[1]` all counted under one pathway, without counting them one by one.
    #[cfg(test)]
    pub(crate) fn same(range: [u64; 2], pathway: &Pathway) -> Self {
        let mut counts = PathwayCounts::default();
        let [mut start, end] = range;
        while start < end {
            let mut runs = if start == 0 {
                1 << 62
            } else {
                1 << start.trailing_zeros()
            };
            while start + runs > end {
                runs /= 2;
            }
            counts.insert(Block {
                start,
                runs,
                counts: BTreeMap::from([(pathway.clone(), runs)]),
                shortfall: 0,
                dropped: 0,
            });
            start += runs;
        }
        counts.distinct.add(pathway);
        counts
    }

    /// The blocks, in order of their first run.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Runs by pathway over every block, most frequent first (ties in pathway order).
    pub fn ranked(&self) -> Vec<(&Pathway, u64)> {
        let mut total: BTreeMap<&Pathway, u64> = BTreeMap::new();
        for block in &self.blocks {
            for (pathway, n) in &block.counts {
                *total.entry(pathway).or_default() += n;
            }
        }
        let mut ranked: Vec<(&Pathway, u64)> = total.into_iter().collect();
        ranked.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(y.0)));
        ranked
    }

    /// The estimated number of distinct pathways (±1.6 %) once a count has been cut; `None`
    /// while every count is exact, when [`ranked`](Self::ranked) lists every pathway.
    pub fn estimated_distinct(&self) -> Option<u64> {
        (self.shortfall() > 0).then(|| self.distinct.estimate())
    }

    /// The most any count of [`ranked`](Self::ranked) falls short of the true count: 0 when every
    /// count is exact.
    pub fn shortfall(&self) -> u64 {
        self.blocks.iter().map(|b| b.shortfall).sum()
    }

    /// Checks that the blocks are well formed and count `runs` runs: each a dyadic block, in
    /// order, without overlaps, with at most [`CAPACITY`] pathways, and its counts and dropped
    /// runs summing to its runs.
    pub fn check(&self, runs: u64) -> Result<(), String> {
        let mut end = 0;
        let mut total = 0u64;
        for b in &self.blocks {
            let sum = b
                .counts
                .values()
                .try_fold(b.dropped, |t, &n| t.checked_add(n));
            if !b.runs.is_power_of_two()
                || !b.start.is_multiple_of(b.runs)
                || b.start < end
                || b.counts.len() > CAPACITY
                || sum != Some(b.runs)
                || b.shortfall > b.dropped
            {
                return Err(format!(
                    "the pathway block of runs {}..{} is not well formed",
                    b.start,
                    b.start.saturating_add(b.runs)
                ));
            }
            end = b.start.saturating_add(b.runs);
            total = total.saturating_add(b.runs);
        }
        if total != runs {
            return Err(format!("the pathways do not count the {runs} runs"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pathway(k: u64) -> Pathway {
        format!("A>B@{}", k % 8).parse().unwrap()
    }

    /// A pathway per run from a skewed, long-tailed mix, as a large world gives: twelve common
    /// pathways, the first the most common, and in a third of runs one of 810,000 rare ones.
    fn mixed(run: u64) -> Pathway {
        let h = run.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20;
        let text = if h.is_multiple_of(3) {
            format!("S{}>S{}@5", h / 3 % 900, h / 2700 % 900)
        } else {
            let k = (h / 3 % 1000).trailing_zeros().min(11);
            format!("A>B@{} | C{k}+A:pact", 4 + k % 4)
        };
        text.parse().unwrap()
    }

    fn counted(runs: std::ops::Range<u64>, of: fn(u64) -> Pathway) -> PathwayCounts {
        let mut counts = PathwayCounts::default();
        for run in runs {
            counts.add(run, &of(run));
        }
        counts
    }

    #[test]
    fn few_pathways_are_counted_exactly() {
        let counts = counted(0..1000, pathway);
        assert_eq!(counts.shortfall(), 0);
        assert_eq!(counts.ranked().len(), 8);
        assert!(counts.ranked().iter().all(|&(_, n)| n == 125));
        counts.check(1000).unwrap();
        // 1000 = 512 + 256 + 128 + 64 + 32 + 8.
        let sizes: Vec<u64> = counts.blocks().iter().map(|b| b.runs).collect();
        assert_eq!(sizes, [512, 256, 128, 64, 32, 8]);
    }

    /// However the runs are split and in whatever order the parts are merged, the counts are the
    /// same, byte for byte; and the counts are within the bound of the exact ones.
    #[test]
    fn splits_give_the_same_counts_within_the_bound() {
        let runs = 60_000;
        let whole = counted(0..runs, mixed);
        whole.check(runs).unwrap();
        assert!(
            whole.shortfall() > 0,
            "the mix has more than CAPACITY pathways"
        );
        assert!(whole.shortfall() <= runs / (CAPACITY as u64 + 1));
        for cuts in [
            vec![0, 16, runs],
            vec![0, 1250, 7777, 30_001, runs],
            vec![0, 59_999, runs],
        ] {
            let parts: Vec<PathwayCounts> = cuts
                .windows(2)
                .map(|w| counted(w[0]..w[1], mixed))
                .collect();
            let mut forward = PathwayCounts::default();
            parts.iter().for_each(|p| forward.merge(p));
            let mut backward = PathwayCounts::default();
            parts.iter().rev().for_each(|p| backward.merge(p));
            assert_eq!(forward, whole, "{cuts:?}");
            assert_eq!(backward, whole, "{cuts:?}");
        }
        let mut exact: BTreeMap<Pathway, u64> = BTreeMap::new();
        for run in 0..runs {
            *exact.entry(mixed(run)).or_default() += 1;
        }
        let ranked: BTreeMap<&Pathway, u64> = whole.ranked().into_iter().collect();
        for (pathway, &n) in &exact {
            let kept = ranked.get(pathway).copied().unwrap_or(0);
            assert!(
                kept <= n && n - kept <= whole.shortfall(),
                "{pathway}: {kept} of {n}"
            );
        }
        // The distinct pathways, estimated once counts are cut, within four standard errors.
        let estimate = whole.estimated_distinct().unwrap() as f64;
        assert!(
            (estimate / exact.len() as f64 - 1.0).abs() < 4.0 * 0.0163,
            "{estimate} of {}",
            exact.len()
        );
        let json = serde_json::to_string(&whole).unwrap();
        assert_eq!(serde_json::from_str::<PathwayCounts>(&json).unwrap(), whole);
        // The heavy hitters are all there, in order.
        let mut top: Vec<(&Pathway, &u64)> = exact.iter().collect();
        top.sort_by(|x, y| y.1.cmp(x.1).then_with(|| x.0.cmp(y.0)));
        for (x, y) in top.iter().take(5).zip(whole.ranked()) {
            assert_eq!(*x.0, *y.0);
        }
    }

    #[test]
    fn malformed_blocks_are_refused() {
        let mut counts = counted(0..100, pathway);
        assert!(counts.check(99).is_err());
        counts.blocks[0].start = 3;
        assert!(counts.check(100).is_err());
    }
}
