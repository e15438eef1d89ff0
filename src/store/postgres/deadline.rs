//! The dashboard never waits long on the server. Its calls run on a thread of
//! their own while the screen's thread waits at most `WAIT` for the answer. Past
//! it, the call is given up: the dashboard says so (for a change: not confirmed,
//! since it may still commit once the server answers) and shows the store as
//! unreachable. The call keeps its connection to itself; once it ends and the
//! server answers a ping, the store says it is reachable again (`Signal::Back`),
//! and the dashboard reads what was committed meanwhile. The server bounds its
//! side too (`SESSION`): a change that waits on another's lock (a colleague's
//! import) is refused quickly, with nothing written.
//!
//! Only the dashboard's store is bounded so, and only on the thread that draws
//! the screen: the requests' loader, and every command (import, restore,
//! migrate, backup), take as long as they need, though a command waits for
//! another's lock 30 s at most (see `holder`).

use super::link::Link;
use crate::store::{Notify, Result, Signal, StoreError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::ThreadId;
use std::time::Duration;

/// How long the screen's thread waits for the server's answer.
pub(super) const WAIT: Duration = Duration::from_secs(3);
/// The dashboard's connections: a lock held by another change (an import, a
/// colleague's save) is waited on for so long, a statement runs for so long,
/// before the server refuses it and rolls it back; both under `WAIT`, so that
/// the answer comes in time. A transaction whose client stopped sending (a
/// machine frozen mid-change) lets go of its locks after a while.
pub(super) const SESSION: &str = "SET lock_timeout = '1500ms'; SET statement_timeout = '2500ms'; \
     SET idle_in_transaction_session_timeout = '10s'";
/// How often a store given up on is tried again.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// Where the store's news go, shared by the change feed and the calls given up on.
type News = Arc<Mutex<Option<Notify>>>;

pub(super) struct Bound {
    /// The thread that draws the screen: the one whose calls are bounded.
    screen: ThreadId,
    news: News,
}

impl Bound {
    /// Bounds the calls of the thread that calls this.
    pub fn here() -> Bound {
        Bound {
            screen: std::thread::current().id(),
            news: Arc::default(),
        }
    }

    /// Whether the calling thread is the screen's.
    pub fn applies(&self) -> bool {
        std::thread::current().id() == self.screen
    }

    /// Keeps `notify` for the calls given up on, and gives the change feed a way
    /// to it.
    pub fn share(&self, notify: Notify) -> Notify {
        *lock(&self.news) = Some(notify);
        let news = self.news.clone();
        Box::new(move |signal| tell(&news, signal))
    }

    /// Runs `job` on its own thread, waiting at most `WAIT` for it. `job` is told
    /// whether it was given up on, so that a change not sent yet never is.
    pub fn call<T: Send + 'static>(
        &self,
        link: &Arc<Link>,
        change: bool,
        job: impl FnOnce(&dyn Fn() -> bool) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let call = Arc::new(Call::<T> {
            answer: Mutex::new(None),
            answered: Condvar::new(),
            given_up: AtomicBool::new(false),
        });
        let location = link.name.clone();
        let (theirs, link, news) = (call.clone(), link.clone(), self.news.clone());
        let spawned = std::thread::Builder::new()
            .name("store-call".into())
            .spawn(move || {
                let result = job(&|| theirs.given_up.load(Ordering::SeqCst));
                let mut answer = lock(&theirs.answer);
                if theirs.given_up.load(Ordering::SeqCst) {
                    drop(answer);
                    tracing::info!(ok = result.is_ok(), "a call given up on has ended");
                    drop(result);
                    recover(&link, &news);
                    return;
                }
                *answer = Some(result);
                theirs.answered.notify_one();
            });
        if let Err(e) = spawned {
            return Err(StoreError::Backend {
                detail: format!("could not start a thread for the store: {e}"),
                io: None,
            });
        }
        let answer = lock(&call.answer);
        let (mut answer, _) = call
            .answered
            .wait_timeout_while(answer, WAIT, |a| a.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(result) = answer.take() {
            return result;
        }
        // Set while the answer's lock is held: the call's thread, when it ends,
        // either finds it set or has left its answer, taken above.
        call.given_up.store(true, Ordering::SeqCst);
        drop(answer);
        tracing::warn!(change, "the store did not answer within {WAIT:?}; given up");
        Err(StoreError::Unanswered {
            location,
            waited: WAIT.as_secs(),
            change,
        })
    }
}

/// One call: its answer, once there is one, and whether the screen gave up on it.
struct Call<T> {
    answer: Mutex<Option<Result<T>>>,
    answered: Condvar,
    given_up: AtomicBool,
}

/// After a call given up on has ended: once the server answers again, the
/// dashboard is told to read what changed. Nothing to do if it does not listen.
fn recover(link: &Link, news: &News) {
    while lock(news).is_some() {
        match link.ping() {
            Ok(()) => {
                tell(news, Signal::Back);
                return;
            }
            Err(e) => tracing::debug!("the store still does not answer: {e}"),
        }
        std::thread::sleep(RETRY_EVERY);
    }
}

fn tell(news: &News, signal: Signal) -> bool {
    match lock(news).as_mut() {
        Some(notify) => notify(signal),
        None => false,
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
