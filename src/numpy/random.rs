//! numpy's module-level `np.random.seed` and `np.random.randint`: one generator shared by the
//! whole process.
//!
//! Like numpy's global state, the one [`RandomState`] behind [`seed`] and [`randint`] is shared:
//!
//! - **Threads race on it, as in the module's 15.2.** Two threads each running
//!   `seed(s); randint(0, 10)` can interleave: one thread's `seed` lands between the other's
//!   `seed` and `randint`, which then draws from the wrong seed. Each call is atomic (a
//!   `Mutex`), the pair is not. That is the module's `ThreadPoolExecutor` result that is
//!   silently wrong; a [`RandomState`] per task has no such race.
//! - **Forked workers get a copy** (process pools): each sets its own seeds, and nothing races.
//!   The forking thread holds the generator's lock across `fork` (a `pthread_atfork` handler),
//!   so a child never starts with the lock taken by a thread it does not have.
//! - **In an evcxr notebook each cell has its own copy of a library's statics.** A function
//!   defined in a cell uses that cell's generator wherever it is called from, so
//!   `fn random_square` (which seeds and draws in one body) is right in every cell; but a bare
//!   `seed(1)` in one cell and `randint(0, 10)` in a later cell draw from two different
//!   generators. Seed and draw in the same cell, or in the same function.
//!
//! Before any [`seed`], the generator is seeded from the operating system's entropy, as numpy's
//! is (so its draws are unpredictable, not numpy's).

use std::cell::RefCell;
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

pub use super::RandomState;

/// The shared generator; `None` until first used.
static STATE: Mutex<Option<RandomState>> = Mutex::new(None);

thread_local! {
    /// The lock the forking thread holds across `fork` (see [`held_across_fork`]).
    static HELD: RefCell<Option<MutexGuard<'static, Option<RandomState>>>> =
        const { RefCell::new(None) };
}

fn state() -> MutexGuard<'static, Option<RandomState>> {
    held_across_fork();
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Registers, once, `fork` handlers that take the generator's lock before a `fork` and release
/// it after, in the parent and in the child. Without them a thread that held the lock at the
/// moment another thread forked would leave the child a lock that nobody can release: the first
/// `seed` in a forked worker would wait forever.
fn held_across_fork() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        extern "C" fn prepare() {
            let guard = STATE.lock().unwrap_or_else(PoisonError::into_inner);
            HELD.with(|held| *held.borrow_mut() = Some(guard));
        }
        extern "C" fn release() {
            HELD.with(|held| drop(held.borrow_mut().take()));
        }
        // SAFETY: the handlers only lock and unlock STATE, on the thread that calls fork (the
        // child's only thread); the registration fails only for lack of memory, and then forks
        // are simply not guarded.
        unsafe {
            libc::pthread_atfork(Some(prepare), Some(release), Some(release));
        }
    });
}

/// Seeds the shared generator: numpy's `np.random.seed(seed)` with an integer seed.
///
/// # Examples
///
/// ```
/// use parlab::numpy::random::{randint, seed};
///
/// seed(0);
/// assert_eq!(randint(0, 10), 5); // np.random.seed(0); np.random.randint(0, 10) -> 5
/// ```
pub fn seed(seed: u32) {
    let mut state = state();
    match state.as_mut() {
        Some(rng) => rng.seed(seed),
        None => *state = Some(RandomState::new(seed)),
    }
}

/// A random integer in `low..high` from the shared generator: numpy's
/// `np.random.randint(low, high)`, bit-identical (see [`RandomState::randint`]).
///
/// # Panics
///
/// When `low >= high`, as numpy raises `ValueError: low >= high`.
///
/// # Examples
///
/// ```
/// use parlab::numpy::random::{randint, seed};
///
/// seed(42);
/// let draws: Vec<i64> = (0..5).map(|_| randint(0, 100)).collect();
/// assert_eq!(draws, [51, 92, 14, 71, 60]);
/// ```
pub fn randint(low: i64, high: i64) -> i64 {
    assert!(
        low < high,
        "randint: low >= high ({low} >= {high}): numpy's ValueError; the high end is excluded, so pass high > low"
    );
    let mut state = state();
    state
        .get_or_insert_with(|| RandomState::new(rand::random()))
        .randint(low, high)
}
