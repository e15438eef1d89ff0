//! Times reading the certificate requests as the dashboard does after its first
//! frame: the store's records (from the file kept at the dashboard's last close,
//! if it is there and of the store's seal), then the orders and keys the screens use.
//!
//!     cargo run --release --example load_requests -- LOCATION
//!
//! Prints one JSON line with the milliseconds of each part, the count, and the
//! peak memory in MB after each part (Linux; null elsewhere).

use ocsae::store::Location;
use std::time::Instant;

fn main() {
    let Some(location) = std::env::args().nth(1) else {
        eprintln!("usage: load_requests LOCATION");
        std::process::exit(2);
    };
    let store = match ocsae::store::open_to_show(&Location::parse(&location)) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("load_requests: {e}");
            std::process::exit(1);
        }
    };
    let calendar = ocsae::domain::calendar::Calendar::catalan(&[], chrono_tz::Europe::Madrid);
    let started = Instant::now();
    let list = store.certificates().expect("requests");
    let read = started.elapsed();
    let read_peak = peak_mb();
    let started = Instant::now();
    let data = ocsae::app::cert_data::CertData::new(list, &calendar);
    let index = started.elapsed();
    let json = |mb: Option<u64>| mb.map_or("null".to_string(), |mb| mb.to_string());
    println!(
        "{{\"requests\": {}, \"read_ms\": {}, \"index_ms\": {}, \"open\": {}, \"read_peak_mb\": {}, \"index_peak_mb\": {}}}",
        data.list.len(),
        read.as_millis(),
        index.as_millis(),
        data.open_by_due.len(),
        json(read_peak),
        json(peak_mb()),
    );
}

/// The process's peak resident memory so far, from /proc (Linux).
fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
