//! The draws the plans share: one item by its probability, one item at random, whole days.

use chrono::Duration;
use rand::Rng;
use rand::rngs::StdRng;

/// One of `items` drawn with the probabilities given (the last when they fall short).
pub(crate) fn draw<T: Copy>(rng: &mut StdRng, items: &[(T, f64)]) -> Option<T> {
    let mut x: f64 = rng.random();
    for (item, share) in items {
        if x < *share {
            return Some(*item);
        }
        x -= share;
    }
    items.last().map(|(item, _)| *item)
}

/// One of `items` at random; none when there is none (and then nothing is drawn).
pub(crate) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        return None;
    }
    items.get(rng.random_range(0..items.len()))
}

pub(crate) fn days(n: i64) -> Duration {
    Duration::days(n)
}
