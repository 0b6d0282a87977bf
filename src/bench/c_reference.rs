//! The C reference kernels of `c_reference.c`, compiled by the system's C compiler at bench time
//! and timed in the same run as parlab's kernels: numpy-style squares (per seed: MT19937
//! `init_genrand`, the first full twist, the masked rejection draw) and plain trial division
//! (one `%` per odd candidate), both on one core.
//!
//! `parlab bench --c` reports parlab's all-core medians as a fraction of the C medians; the C
//! program's answers (the sum of the squares, the smallest factor) must equal parlab's.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use super::Stats;
use crate::tasks::{is_prime_miller_rabin, squares::squares_into};
use crate::{Error, Result};

/// The C source, embedded so that an installed `parlab` can still build it.
pub const SOURCE: &str = include_str!("c_reference.c");

/// Optimisation flags: the C reference gets the compiler's best shot at this CPU.
pub const FLAGS: [&str; 2] = ["-O3", "-march=native"];

/// The C compiler: `$CC` when set, else `cc`.
///
/// # Examples
///
/// ```
/// assert!(!parlab::bench::c_reference::compiler().is_empty());
/// ```
pub fn compiler() -> String {
    std::env::var("CC")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "cc".to_string())
}

/// The C side of a bench run: medians of the C kernels, parlab's share of them, or why not.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CSide {
    /// The compile command, e.g. `cc -O3 -march=native`.
    pub compiler: String,
    /// The C squares on one core.
    pub squares: Option<Stats>,
    /// The C trial division on one core.
    pub prime: Option<Stats>,
    /// parlab's all-core squares median over the C median (0.01 = 100× faster).
    pub squares_ratio: Option<f64>,
    /// parlab's all-core prime median over the C median.
    pub prime_ratio: Option<f64>,
    /// Why a kernel did not run, or answers that differ.
    pub notes: Vec<String>,
}

/// Compiles [`SOURCE`] into `dir` with [`compiler`] and [`FLAGS`]; returns the program's path.
///
/// # Errors
///
/// [`Error::Io`] when `dir` or the source cannot be written, [`Error::CannotRun`] when the
/// compiler is missing, [`Error::ProgramFailed`] when it fails.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("parlab-cref-doc-{}", std::process::id()));
/// if let Ok(exe) = parlab::bench::c_reference::build(&dir) {
///     let (secs, sum) = parlab::bench::c_reference::run_kernel(&exe, "squares", 10).unwrap();
///     assert_eq!(sum, 25 + 25 + 64 + 64 + 49 + 9 + 81 + 16 + 9 + 25);
///     assert!(secs >= 0.0);
/// }
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
pub fn build(dir: &Path) -> Result<PathBuf> {
    let cc = compiler();
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let src = dir.join("c_reference.c");
    let exe = dir.join("c_reference");
    std::fs::write(&src, SOURCE).map_err(|e| Error::io("write", &src, e))?;
    let out = Command::new(&cc)
        .args(FLAGS)
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .output()
        .map_err(|source| Error::CannotRun {
            program: format!("the C compiler {cc}"),
            hint: "install gcc or set CC".into(),
            source,
        })?;
    if !out.status.success() {
        return Err(Error::ProgramFailed {
            why: format!(
                "failed on {}: {}",
                src.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            program: cc,
        });
    }
    Ok(exe)
}

/// Runs one C kernel (`squares COUNT` or `prime N`); returns its seconds (timed inside the C
/// program) and its answer (the sum of the squares, or the smallest odd factor, 0 for none).
///
/// # Errors
///
/// [`Error::CannotRun`] when the program cannot start, [`Error::ProgramFailed`] when it fails or
/// prints something else.
///
/// # Examples
///
/// ```
/// use std::path::Path;
///
/// let err = parlab::bench::c_reference::run_kernel(Path::new("/nonexistent"), "prime", 91);
/// assert!(err.unwrap_err().to_string().contains("could not run"));
/// ```
pub fn run_kernel(exe: &Path, kernel: &str, arg: u64) -> Result<(f64, u64)> {
    let out = Command::new(exe)
        .args([kernel, &arg.to_string()])
        .output()
        .map_err(|source| Error::CannotRun {
            program: exe.display().to_string(),
            hint: String::new(),
            source,
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    match (words.next().map(str::parse), words.next().map(str::parse)) {
        (Some(Ok(secs)), Some(Ok(answer))) if out.status.success() => Ok((secs, answer)),
        _ => Err(Error::ProgramFailed {
            program: format!("{} {kernel} {arg}", exe.display()),
            why: format!("printed {text:?} ({})", out.status),
        }),
    }
}

impl CSide {
    /// Builds and runs the C kernels `repeat` times each on `count` seeds and on `n`, checks their
    /// answers against parlab's, and divides parlab's all-core medians `squares_s` and `prime_s`
    /// by the C medians. Problems become [`CSide::notes`], never errors.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::bench::c_reference::CSide;
    ///
    /// // 1000 seeds and 1000003 (prime) once each; parlab "took" 1 ms for both.
    /// let side = CSide::measure(1000, 1_000_003, 1, 1e-3, 1e-3);
    /// if side.notes.is_empty() {
    ///     assert!(side.squares_ratio.unwrap() > 0.0 && side.prime_ratio.unwrap() > 0.0);
    /// } else {
    ///     assert!(side.squares.is_none() || side.prime.is_none()); // no C compiler here
    /// }
    /// ```
    pub fn measure(count: u64, n: u64, repeat: usize, squares_s: f64, prime_s: f64) -> CSide {
        let mut side = CSide {
            compiler: format!("{} {}", compiler(), FLAGS.join(" ")),
            ..CSide::default()
        };
        let dir = std::env::temp_dir().join(format!("parlab-cref-{}", std::process::id()));
        let exe = match build(&dir) {
            Ok(exe) => exe,
            Err(why) => {
                side.notes.push(why.to_string());
                return side;
            }
        };
        let mut out = vec![0; usize::try_from(count).unwrap_or(usize::MAX)];
        squares_into(0, &mut out);
        let sum: u64 = out.iter().map(|&v| u64::from(v)).sum();
        side.squares = side.timed(&exe, "squares", count, repeat, |s| s == sum);
        side.squares_ratio = side.squares.map(|c| squares_s / c.median);
        if n % 2 == 1 && n >= 9 {
            let prime = is_prime_miller_rabin(n);
            let ok = |f: u64| (f == 0) == prime && (f == 0 || n.is_multiple_of(f));
            side.prime = side.timed(&exe, "prime", n, repeat, ok);
            side.prime_ratio = side.prime.map(|c| prime_s / c.median);
        } else {
            side.notes
                .push(format!("{n} is even or below 9: no C trial division"));
        }
        std::fs::remove_dir_all(&dir).ok();
        side
    }

    fn timed(
        &mut self,
        exe: &Path,
        kernel: &str,
        arg: u64,
        repeat: usize,
        ok: impl Fn(u64) -> bool,
    ) -> Option<Stats> {
        let mut samples = Vec::new();
        for _ in 0..repeat.max(1) {
            match run_kernel(exe, kernel, arg) {
                Ok((secs, answer)) if ok(answer) => samples.push(secs),
                Ok((_, answer)) => {
                    self.notes.push(format!(
                        "C {kernel} {arg} answered {answer}, which differs from parlab's"
                    ));
                    return None;
                }
                Err(why) => {
                    self.notes.push(why.to_string());
                    return None;
                }
            }
        }
        Some(Stats::of(&samples))
    }
}
