//! The change feed: a second connection, on its own thread, LISTENs for the
//! commits' notifications and tells the dashboard, which then reads
//! `changes_since`. It is also how the dashboard learns that the server went
//! away and came back: it pings while idle and reconnects by itself.

use super::connect::Target;
use crate::store::{Notify, Signal};
use postgres::fallible_iterator::FallibleIterator;
use std::time::{Duration, Instant};

/// How long the thread waits for a notification before it checks the connection.
const WAIT: Duration = Duration::from_millis(500);
/// How often an idle connection is pinged (a broken TCP link shows no other way).
const PING_EVERY: Duration = Duration::from_secs(5);
/// How often a lost server is tried again.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// Starts the thread. It ends when `notify` says nobody listens any more.
pub(super) fn spawn(target: Target, notify: Notify) -> bool {
    std::thread::Builder::new()
        .name("store-watch".into())
        .spawn(move || run(target, notify))
        .is_ok()
}

fn run(target: Target, mut notify: Notify) {
    // Whether the dashboard was last told the server is reachable.
    let mut reachable = true;
    loop {
        let mut client = match target.connect().and_then(|mut c| subscribe(&mut c).map(|()| c)) {
            Ok(client) => client,
            Err(e) => {
                if reachable {
                    reachable = false;
                    if !notify(Signal::Lost(detail(&e))) {
                        return;
                    }
                }
                std::thread::sleep(RETRY_EVERY);
                continue;
            }
        };
        // Listening now: what was committed before it is read once (at the
        // start, or after a loss), so that no change falls between the two.
        let news = match reachable {
            true => Signal::Changed(Vec::new()),
            false => Signal::Back,
        };
        if !notify(news) {
            return;
        }
        let Some(why) = listen(&mut client, &mut notify) else {
            return;
        };
        reachable = false;
        if !notify(Signal::Lost(why)) {
            return;
        }
        std::thread::sleep(RETRY_EVERY);
    }
}

/// Listens on the channels this user's news come on: the store's, and when
/// several offices share it, each of this user's offices' own (schema 12).
fn subscribe(client: &mut postgres::Client) -> crate::store::Result<()> {
    let rows = client
        .query("SELECT ocsae.my_channels()", &[])
        .map_err(super::pg_error)?;
    let mut sql = String::new();
    for row in rows {
        let channel: String = row.get(0);
        // Quoted as an identifier: the names are the server's, yet never trusted.
        sql.push_str(&format!("LISTEN \"{}\";", channel.replace('"', "\"\"")));
    }
    client.batch_execute(&sql).map_err(super::pg_error)
}

/// Passes notifications on until the connection breaks (Some(why)) or nobody
/// listens any more (None).
fn listen(client: &mut postgres::Client, notify: &mut Notify) -> Option<String> {
    let mut pinged = Instant::now();
    loop {
        let mut seqs = Vec::new();
        // A notice that names no entry (a restore's): everything is to be read.
        let mut unnumbered = false;
        {
            let mut notifications = client.notifications();
            let mut take = |n: postgres::Notification| match n.payload().parse::<u64>() {
                Ok(seq) => seqs.push(seq),
                Err(_) => unnumbered = true,
            };
            match notifications.timeout_iter(WAIT).next() {
                Ok(Some(n)) => take(n),
                Ok(None) => {}
                Err(e) => return Some(super::lost_text(&e)),
            }
            // Several commits at once are one read for the dashboard.
            while let Ok(Some(n)) = notifications.iter().next() {
                take(n);
            }
        }
        if unnumbered {
            seqs.clear();
        }
        if (unnumbered || !seqs.is_empty()) && !notify(Signal::Changed(seqs)) {
            return None;
        }
        if client.is_closed() {
            return Some("the server closed the connection".into());
        }
        if pinged.elapsed() >= PING_EVERY {
            if let Err(e) = client.is_valid(Duration::from_secs(5)) {
                return Some(super::lost_text(&e));
            }
            pinged = Instant::now();
        }
    }
}

fn detail(e: &crate::store::StoreError) -> String {
    match e {
        crate::store::StoreError::Offline { detail, .. }
        | crate::store::StoreError::Denied { detail, .. } => crate::store::redact(detail),
        other => other.to_string(),
    }
}
