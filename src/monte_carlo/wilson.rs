//! Wilson score intervals for binomial proportions.

use serde::{Deserialize, Serialize};

/// The normal quantile for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A proportion with its Wilson 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Proportion {
    /// Successes.
    pub count: u64,
    /// Trials.
    pub of: u64,
    /// count / of (0 when there are no trials).
    pub p: f64,
    /// Lower bound of the Wilson 95 % interval.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl Proportion {
    /// `count` successes in `of` trials. With no trials the interval is the whole of [0, 1].
    pub fn new(count: u64, of: u64) -> Self {
        let (lo, hi) = wilson(count, of, Z95);
        Proportion {
            count,
            of,
            p: if of == 0 {
                0.0
            } else {
                count as f64 / of as f64
            },
            lo,
            hi,
        }
    }

    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }
}

/// The Wilson score interval (Wilson 1927) for `x` successes in `n` trials at normal quantile `z`:
/// (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), clamped to [0, 1]. Well defined at 0 and
/// n successes, where the Wald interval collapses.
pub fn wilson(x: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = x as f64 / n;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let spread = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denominator = 1.0 + z2 / n;
    // At 0 and n successes the bounds are exactly 0 and 1; rounding would leave 1 − 10⁻¹⁶.
    let lo = if x == 0 {
        0.0
    } else {
        (centre - spread) / denominator
    };
    let hi = if p >= 1.0 {
        1.0
    } else {
        (centre + spread) / denominator
    };
    (lo.clamp(0.0, 1.0), hi.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
    /// Medicine 17:857–872, Table I, method 3 (Wilson score interval without continuity correction).
    #[test]
    fn matches_newcombe_1998_table_1() {
        let cases = [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0000, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ];
        for (x, n, lo, hi) in cases {
            let (l, h) = wilson(x, n, Z95);
            assert!(
                (l - lo).abs() < 5e-5 && (h - hi).abs() < 5e-5,
                "{x}/{n}: {l:.4}–{h:.4}"
            );
        }
    }

    #[test]
    fn extremes_and_empty() {
        assert_eq!(wilson(0, 0, Z95), (0.0, 1.0));
        let (lo, hi) = wilson(10, 10, Z95);
        assert!(hi == 1.0 && lo > 0.69 && lo < 0.73);
        let p = Proportion::new(0, 0);
        assert_eq!(p.p, 0.0);
    }
}
