//! Keyed random draws (docs/MODEL.md §5): every random decision of a run draws its uniform from a
//! counter-based generator, Philox4x32-10 (Salmon, Moraes, Dror & Shaw 2011), at a counter and key
//! that name the decision: the seed, the run, what is decided, the step, and the ids involved (a
//! pair of actors, a conflict, an obligation, an event). The draw for a decision therefore does not
//! depend on how many draws came before it, so two arms of a comparison make the same draw for the
//! same decision whatever happened elsewhere, and a decision that one arm makes and the other does
//! not disturbs nothing else.

use super::world::ActorIx;
use crate::scenario::Step;

/// What a draw decides: part of its key, so that two decisions with the same ids never share a
/// draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Purpose {
    /// Whether a windowed event happens.
    EventHappens = 1,
    /// The step a windowed event happens at.
    EventStep,
    /// A hazard event's draw at a step.
    Hazard,
    /// Whether a pair's candidate step for a dispute becomes one.
    Onset,
    /// Which of the pair starts it.
    Initiator,
    /// The level a dispute starts at.
    StartLevel,
    /// What a use of force is (seizure, clash, lethal attack).
    Severity,
    /// A conflict's move on the ladder at a step.
    Escalation,
    /// An entry's delay.
    Delay,
    /// A clause's holders' decision whether to honour, per conflict and scale.
    Honour,
    /// A supporter's voluntary entry at a step.
    Voluntary,
    /// A holder's decision whether to join a coalition partner's war.
    Coalition,
    /// A sanctioned target's compliance at a step.
    Compliance,
    /// A transfer's rate in the run.
    TransferRate,
    /// A transfer's detection at a step.
    TransferDetection,
    /// The gap before a pair's next candidate step for a dispute, by the candidate's number.
    OnsetCandidate,
}

/// The draws of one run of one seed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Draws {
    seed: u64,
    run: u64,
}

/// The golden-ratio increment of SplitMix64.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijection of 64-bit words that spreads
/// every input bit over the output.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit key of a name (FNV-1a over its bytes), so that a decision about a named element
/// (an event, a regime, a clause, a transfer) does not depend on its place in its list.
pub(crate) fn key_of(name: &str) -> u64 {
    name.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// The key of an ordered pair of actors in the draws.
pub(crate) fn pair_key(a: ActorIx, b: ActorIx) -> u64 {
    ((a.index() as u64) << 32) | b.index() as u64
}

impl Draws {
    /// The draws of run `run` of `seed`.
    pub(crate) fn new(seed: u64, run: u64) -> Self {
        Draws { seed, run }
    }

    /// The uniform in [0, 1) of the decision named by `purpose`, `step` and `ids`: the Philox block
    /// at counter (run, step, purpose) under a key hashed from the seed, the purpose and the ids,
    /// its first two words made into 53 random bits.
    pub(crate) fn uniform(&self, purpose: Purpose, step: Step, ids: [u64; 2]) -> f64 {
        let p = purpose as u32;
        let key = mix(
            mix(mix(self.seed.wrapping_add(GOLDEN.wrapping_mul(u64::from(p)))) ^ ids[0])
                .wrapping_add(GOLDEN)
                ^ ids[1],
        );
        let counter = [self.run as u32, (self.run >> 32) as u32, step, p];
        let out = philox4x32_10(counter, [key as u32, (key >> 32) as u32]);
        let bits = ((u64::from(out[0]) << 32) | u64::from(out[1])) >> 11;
        bits as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A whole number from `lo` to `hi`, inclusive, uniformly, for the same decision.
    pub(crate) fn range(
        &self,
        purpose: Purpose,
        step: Step,
        ids: [u64; 2],
        lo: u32,
        hi: u32,
    ) -> u32 {
        let span = f64::from(hi - lo) + 1.0;
        lo + ((self.uniform(purpose, step, ids) * span) as u32).min(hi - lo)
    }
}

/// Philox4x32-10: ten rounds of two 32 × 32 → 64-bit multiplications in a Feistel-like network,
/// the key bumped by the golden ratio and √3 − 1 between rounds (Random123's constants).
pub(crate) fn philox4x32_10(mut ctr: [u32; 4], mut key: [u32; 2]) -> [u32; 4] {
    const M0: u64 = 0xD251_1F53;
    const M1: u64 = 0xCD9E_8D57;
    const W0: u32 = 0x9E37_79B9;
    const W1: u32 = 0xBB67_AE85;
    for round in 0..10 {
        if round > 0 {
            key = [key[0].wrapping_add(W0), key[1].wrapping_add(W1)];
        }
        let p0 = M0 * u64::from(ctr[0]);
        let p1 = M1 * u64::from(ctr[2]);
        ctr = [
            ((p1 >> 32) as u32) ^ ctr[1] ^ key[0],
            p1 as u32,
            ((p0 >> 32) as u32) ^ ctr[3] ^ key[1],
            p0 as u32,
        ];
    }
    ctr
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random123's published known answers for philox4x32-10.
    #[test]
    fn philox_gives_the_published_known_answers() {
        assert_eq!(
            philox4x32_10([0; 4], [0; 2]),
            [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]
        );
        assert_eq!(
            philox4x32_10([u32::MAX; 4], [u32::MAX; 2]),
            [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]
        );
        assert_eq!(
            philox4x32_10(
                [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
                [0xa409_3822, 0x299f_31d0]
            ),
            [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]
        );
    }

    /// Draws are uniform: over 200,000 decisions the mean is ½ and each tenth of [0, 1) holds a
    /// tenth of them, within five standard errors; neighbouring decisions are uncorrelated.
    #[test]
    fn draws_are_uniform_and_independent_across_decisions() {
        let draws = Draws::new(1, 0);
        let n = 200_000u64;
        let xs: Vec<f64> = (0..n)
            .map(|k| draws.uniform(Purpose::Onset, (k % 120) as Step, [k / 120, 0]))
            .collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        assert!(
            (mean - 0.5).abs() < 5.0 * (1.0 / 12.0 / n as f64).sqrt(),
            "{mean}"
        );
        let mut deciles = [0u64; 10];
        for &x in &xs {
            assert!((0.0..1.0).contains(&x));
            deciles[(x * 10.0) as usize] += 1;
        }
        let sd = (n as f64 * 0.1 * 0.9).sqrt();
        for d in deciles {
            assert!((d as f64 - n as f64 / 10.0).abs() < 5.0 * sd, "{deciles:?}");
        }
        let lag: f64 = xs
            .windows(2)
            .map(|w| (w[0] - 0.5) * (w[1] - 0.5))
            .sum::<f64>()
            / n as f64;
        assert!(lag.abs() < 5.0 / 12.0 / (n as f64).sqrt(), "{lag}");
        // Runs, seeds, purposes and ids each change the draw.
        let x = draws.uniform(Purpose::Onset, 3, [7, 0]);
        for other in [
            Draws::new(1, 1).uniform(Purpose::Onset, 3, [7, 0]),
            Draws::new(2, 0).uniform(Purpose::Onset, 3, [7, 0]),
            draws.uniform(Purpose::Initiator, 3, [7, 0]),
            draws.uniform(Purpose::Onset, 4, [7, 0]),
            draws.uniform(Purpose::Onset, 3, [8, 0]),
            draws.uniform(Purpose::Onset, 3, [7, 1]),
        ] {
            assert_ne!(x, other);
        }
    }
}
