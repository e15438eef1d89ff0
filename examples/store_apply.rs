//! Times `Store::apply` on a store, as the dashboard calls it for one change: a
//! rollout entry's notes, written and written again, each change built on what
//! the last one returned. For `benches/perf.py`, on sled and on PostgreSQL.
//!
//!     cargo run --release --example store_apply -- LOCATION [CHANGES]
//!
//! Prints one JSON line: the count and the median, 95th percentile and slowest
//! times in milliseconds. It writes to the store: use a benchmark's store.

use ocsae::store::{Change, ChangeKind, Location, Record};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(location) = args.next() else {
        eprintln!("usage: store_apply LOCATION [CHANGES]");
        std::process::exit(2);
    };
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let store = match ocsae::store::open(&Location::parse(&location)) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("store_apply: {e}");
            std::process::exit(1);
        }
    };
    let Some(mut before) = store.rollouts().ok().and_then(|r| r.into_iter().next()) else {
        eprintln!("store_apply: the store holds no rollout entry");
        std::process::exit(1);
    };
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let mut after = before.clone();
        after.notes = format!("store_apply {i}");
        let change = Change::update(
            ChangeKind::RolloutNotes,
            Record::Rollout(before),
            Record::Rollout(after),
        );
        let started = Instant::now();
        let applied = match store.apply(change, chrono::Utc::now()) {
            Ok(applied) => applied,
            Err(e) => {
                eprintln!("store_apply: {e}");
                std::process::exit(1);
            }
        };
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        before = match applied.edits.into_iter().next().and_then(|e| e.after) {
            Some(Record::Rollout(r)) => r,
            _ => unreachable!("a rollout edit"),
        };
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{{\"changes\": {count}, \"p50_ms\": {:.2}, \"p95_ms\": {:.2}, \"max_ms\": {:.2}}}",
        at(0.5),
        at(0.95),
        at(1.0)
    );
}
