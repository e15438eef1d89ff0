//! Anything acknowledged survives kill -9: a child process writes a burst of
//! changes, printing each one once `Store::apply` has returned; the parent kills
//! it in the middle, reopens the store and looks for every acknowledged write.

use chrono::Utc;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::store::{Change, ChangeKind, Edit, Location, NEW_ID, Record};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn request(id: u64) -> CertificateRequest {
    CertificateRequest::received(
        id,
        IneCode(252228),
        format!("Titular {id}"),
        HolderRole::Mayor,
        "tcat",
        Utc::now(),
    )
}

/// The child: writes requests until killed. Run only by the test below.
#[test]
#[ignore = "run as a child process by acknowledged_writes_survive_kill_9"]
fn durability_child() {
    let dir = std::env::var("OCSAE_DURABILITY_DIR").expect("run by the parent test");
    let store = ocsae::store::open(&Location::dir(&dir)).unwrap();
    let mut out = std::io::stdout().lock();
    loop {
        let applied = store
            .apply(
                Change::new(
                    ChangeKind::CertNew,
                    vec![Edit::create(Record::Certificate(request(NEW_ID)))],
                ),
                Utc::now(),
            )
            .unwrap();
        assert!(applied.durable);
        let id = applied.ids[0];
        // The acknowledgement: printed only after apply returned, i.e. after the flush.
        writeln!(out, "ack {id}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let mut acked = Vec::new();
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--ignored",
                "--exact",
                "durability_child",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("OCSAE_DURABILITY_DIR", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Kill at a different point each round, in the middle of the burst.
        let kill_after = 40 + round * 37;
        let mut seen = 0;
        while let Some(Ok(line)) = lines.next() {
            if let Some(id) = line.strip_prefix("ack ") {
                acked.push(id.parse::<u64>().unwrap());
                seen += 1;
                if seen == kill_after {
                    // SAFETY: killing our own child process.
                    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
                    break;
                }
            }
        }
        child.wait().unwrap();
        // Acknowledgements already in the pipe when it died count too.
        for line in lines.map_while(Result::ok) {
            if let Some(id) = line.strip_prefix("ack ") {
                acked.push(id.parse().unwrap());
            }
        }
    }
    let store = ocsae::store::open(&Location::dir(dir.path())).unwrap();
    let stored: std::collections::HashSet<u64> = store.certificates().unwrap().iter().map(|c| c.id).collect();
    assert!(acked.len() >= 40 + 77 + 114, "{} acknowledgements", acked.len());
    let lost: Vec<u64> = acked.iter().copied().filter(|id| !stored.contains(id)).collect();
    assert!(lost.is_empty(), "acknowledged but lost after kill -9: {lost:?}");
    let history = store.changes_since(0).unwrap();
    assert!(
        history.len() >= acked.len(),
        "every change kept its history entry"
    );
}
