//! The statistics the graders use: the Kolmogorov–Smirnov test against a known distribution,
//! and Pearson's correlation.

/// A sample's p-value below this fails a statistical check: a right answer fails it about once
/// in a million reports, a wrong one (on the graders' sample sizes) practically always.
pub(super) const SIGNIFICANCE: f64 = 1e-6;

/// The Kolmogorov–Smirnov test of `sample` against the distribution with CDF `cdf`: where the
/// sample's CDF and `cdf` are farthest apart, and the p-value of that distance.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ks {
    /// Where that distance is largest.
    pub(super) at: f64,
    /// The fraction of the sample at or below `at` (the side of the step where the distance is
    /// largest).
    pub(super) fraction: f64,
    /// `cdf(at)`: the fraction the distribution puts there.
    pub(super) expected: f64,
    /// The probability of a distance at least this large if the sample follows `cdf`.
    pub(super) p_value: f64,
}

/// Tests `sample` (any order; NaNs count as +∞, so they fail) against `cdf`.
pub(super) fn ks(sample: &[f64], cdf: impl Fn(f64) -> f64) -> Ks {
    let mut sorted: Vec<f64> = sample
        .iter()
        .map(|&v| if v.is_nan() { f64::INFINITY } else { v })
        .collect();
    sorted.sort_by(f64::total_cmp);
    let count = sorted.len() as f64;
    let (mut distance, mut at, mut fraction, mut expected) = (0.0, f64::NAN, 0.0, 0.0);
    for (i, &v) in sorted.iter().enumerate() {
        let f = cdf(v);
        let (below, upto) = (i as f64 / count, (i + 1) as f64 / count);
        let gap = (f - below).max(upto - f);
        if gap > distance || at.is_nan() {
            let side = if f - below > upto - f { below } else { upto };
            (distance, at, fraction, expected) = (gap, v, side, f);
        }
    }
    Ks {
        at,
        fraction,
        expected,
        p_value: kolmogorov_sf(count, distance),
    }
}

/// P(D > d) for a sample of `n` values from a continuous distribution: Kolmogorov's limiting
/// distribution with Stephens' correction for finite n.
fn kolmogorov_sf(n: f64, d: f64) -> f64 {
    if n <= 0.0 {
        return 1.0;
    }
    let root = n.sqrt();
    let lambda = (root + 0.12 + 0.11 / root) * d;
    if lambda < 0.3 {
        return 1.0;
    }
    let mut sum = 0.0;
    for j in 1..=100 {
        let j = f64::from(j);
        let term = (-2.0 * j * j * lambda * lambda).exp();
        sum += if j % 2.0 == 1.0 { term } else { -term };
        if term < 1e-300 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// Pearson's correlation coefficient of `a` and `b` (0 when either is constant).
pub(super) fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let len = a.len().min(b.len()) as f64;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / len;
    let (ma, mb) = (mean(a), mean(b));
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa == 0.0 || sbb == 0.0 {
        0.0
    } else {
        sab / (saa * sbb).sqrt()
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn kolmogorov_matches_known_quantiles() {
        // The asymptotic critical values: P(K > 1.358) = 0.05, P(K > 1.628) = 0.01.
        let big = 1e12;
        assert!((kolmogorov_sf(big, 1.358 / big.sqrt()) - 0.05).abs() < 1e-3);
        assert!((kolmogorov_sf(big, 1.628 / big.sqrt()) - 0.01).abs() < 1e-3);
        assert_eq!(kolmogorov_sf(100.0, 0.0), 1.0);
    }

    #[test]
    fn ks_accepts_a_uniform_grid_and_rejects_a_shifted_one() {
        let grid: Vec<f64> = (0..10_000).map(|i| (f64::from(i) + 0.5) / 1e4).collect();
        let uniform = |x: f64| x.clamp(0.0, 1.0);
        assert!(ks(&grid, uniform).p_value > 0.99);
        let shifted: Vec<f64> = grid.iter().map(|x| x * 0.9).collect();
        let test = ks(&shifted, uniform);
        assert!(test.p_value < 1e-12 && ((test.fraction - test.expected).abs() - 0.1).abs() < 1e-3);
        assert!(ks(&[f64::NAN; 10], uniform).p_value < 1e-3);
    }

    #[test]
    fn correlation_of_a_line_is_one() {
        let a = [1.0, 2.0, 3.0];
        assert!((correlation(&a, &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-12);
        assert_eq!(correlation(&a, &[1.0; 3]), 0.0);
    }
}
