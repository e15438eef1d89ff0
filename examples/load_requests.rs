//! Times reading the certificate requests as the dashboard does after its first
//! frame: the store's records, then the orders and keys the screens use.
//!
//!     cargo run --release --example load_requests -- LOCATION
//!
//! Prints one JSON line with the milliseconds of each part and the count.

use ocsae::store::Location;
use std::time::Instant;

fn main() {
    let Some(location) = std::env::args().nth(1) else {
        eprintln!("usage: load_requests LOCATION");
        std::process::exit(2);
    };
    let store = match ocsae::store::open(&Location::parse(&location)) {
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
    let started = Instant::now();
    let data = ocsae::app::cert_data::CertData::new(list, &calendar);
    let index = started.elapsed();
    println!(
        "{{\"requests\": {}, \"read_ms\": {}, \"index_ms\": {}, \"open\": {}}}",
        data.list.len(),
        read.as_millis(),
        index.as_millis(),
        data.open_by_due.len()
    );
}
