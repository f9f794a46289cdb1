//! One sort for the whole crate.
//!
//! Each `sort_by(|a, b| …)` over its own element type and comparison makes
//! the compiler emit its own copy of the standard library's sort (a dozen
//! functions, several kilobytes each), which adds up to a large part of the
//! WebAssembly engine the browser downloads. Here every call site sorts the
//! same concrete type instead — `(key, key, index)` triples, or
//! `(key, text, index)` — and then moves its items into that order. The
//! index makes both sorts stable.

/// A key that orders numbers as [`f64::total_cmp`] does.
pub(crate) fn asc(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// A key that orders numbers from the largest down.
pub(crate) fn desc(x: f64) -> u64 {
    !asc(x)
}

/// Sorts `items` stably by two numeric keys (see [`asc`] and [`desc`]).
pub(crate) fn sort_by_key<T>(items: &mut [T], mut key: impl FnMut(&T) -> (u64, u64)) {
    let keys = items
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let (a, b) = key(t);
            (a, b, i as u32)
        })
        .collect();
    apply(items, sorted(keys));
}

/// Sorts `items` stably by a numeric key, then by text.
pub(crate) fn sort_by_text<T>(items: &mut [T], key: impl for<'a> Fn(&'a T) -> (u64, &'a str)) {
    let mut keys: Vec<(u64, &str, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let (a, b) = key(t);
            (a, b, i as u32)
        })
        .collect();
    keys.sort_unstable();
    let order = keys.into_iter().map(|k| k.2).collect();
    apply(items, order);
}

/// Sorts a few items (up to a dozen or so) in place, stably, without allocating.
pub(crate) fn sort_few_by_key<T>(items: &mut [T], key: impl Fn(&T) -> u64) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[inline(never)]
fn sorted(mut keys: Vec<(u64, u64, u32)>) -> Vec<u32> {
    keys.sort_unstable();
    keys.into_iter().map(|k| k.2).collect()
}

/// Puts `items[order[k]]` at `k`, following the permutation's cycles.
fn apply<T>(items: &mut [T], mut order: Vec<u32>) {
    const DONE: u32 = u32::MAX;
    for start in 0..order.len() {
        let mut k = start;
        while order[k] != DONE {
            let from = order[k] as usize;
            order[k] = DONE;
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_keys_order_as_total_cmp() {
        let xs = [
            f64::NEG_INFINITY,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            3.0,
            f64::INFINITY,
            f64::NAN,
        ];
        for a in xs {
            for b in xs {
                assert_eq!(asc(a).cmp(&asc(b)), a.total_cmp(&b), "{a} {b}");
                assert_eq!(desc(a).cmp(&desc(b)), b.total_cmp(&a), "{a} {b}");
            }
        }
    }

    #[test]
    fn sorts_are_stable_and_match_the_standard_sort() {
        let items: Vec<(f64, usize, String)> = (0..200)
            .map(|i| {
                (
                    ((i * 7919) % 13) as f64 - 6.0,
                    i,
                    format!("n{}", (i * 31) % 17),
                )
            })
            .collect();
        let mut want = items.clone();
        want.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut got = items.clone();
        sort_by_key(&mut got, |x| (desc(x.0), 0));
        assert_eq!(got, want);
        want.sort_by(|a, b| a.2.cmp(&b.2));
        sort_by_text(&mut got, |x| (0, x.2.as_str()));
        assert_eq!(got, want);
        let mut few = items[..12].to_vec();
        let mut want = few.clone();
        want.sort_by(|a, b| a.0.total_cmp(&b.0));
        sort_few_by_key(&mut few, |x| asc(x.0));
        assert_eq!(few, want);
    }
}
