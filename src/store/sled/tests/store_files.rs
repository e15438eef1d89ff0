//! A file of the store that is not a regular file (a FIFO) is never opened.

use super::safety::{mkfifo, open_within};
use super::*;

#[test]
fn a_fifo_in_place_of_any_file_of_the_store_makes_it_damaged_at_once() {
    let names = [
        "sled/db",
        "sled/conf",
        "schema-version",
        "ocsae.lock",
        "acknowledged",
        "council-certificates.cache",
        "first-screen",
        "requests",
    ];
    for name in names {
        for sealed in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            drop(noguera(dir.path()));
            let path = dir.path().join(name);
            let _ = fs::remove_file(&path);
            mkfifo(&path);
            if !sealed {
                fs::remove_file(dir.path().join("seal")).unwrap();
            }
            let err = open_within(dir.path())
                .unwrap_or_else(|| panic!("{name} (sealed: {sealed}): the open waited on a FIFO"))
                .err()
                .unwrap_or_else(|| panic!("{name} (sealed: {sealed}): opened"));
            match err {
                StoreError::Damaged { detail, .. } => assert!(detail.contains(name), "{detail}"),
                other => panic!("{name}: {other:?}"),
            }
        }
    }
}
