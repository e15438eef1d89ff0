//! The last messages of the status line, with their times: what a cut or
//! replaced message said is one key (`m`) away.

use super::ctx::StatusKind;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

/// How many messages are kept.
pub const KEPT: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub at: DateTime<Utc>,
    pub kind: StatusKind,
    pub text: String,
    /// How many times in a row it was said (a full field says so at each key).
    pub times: usize,
}

#[derive(Debug, Default)]
pub struct MessageLog {
    /// Oldest first.
    items: VecDeque<Logged>,
}

impl MessageLog {
    /// Keeps a message; the same text said again in a row counts once more.
    pub fn push(&mut self, at: DateTime<Utc>, kind: StatusKind, text: &str) {
        if let Some(last) = self.items.back_mut()
            && last.text == text
            && last.kind == kind
        {
            last.at = at;
            last.times += 1;
            return;
        }
        if self.items.len() == KEPT {
            self.items.pop_front();
        }
        self.items.push_back(Logged {
            at,
            kind,
            text: text.to_string(),
            times: 1,
        });
    }

    /// The messages, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Logged> {
        self.items.iter().rev()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_fifty_and_counts_repeats() {
        let mut log = MessageLog::default();
        let at: DateTime<Utc> = "2026-11-26T09:30:00Z".parse().unwrap();
        for i in 0..60 {
            log.push(at, StatusKind::Info, &format!("m{i}"));
        }
        assert_eq!(log.len(), KEPT);
        assert_eq!(log.newest_first().next().unwrap().text, "m59");
        assert_eq!(log.newest_first().last().unwrap().text, "m10");
        let later = at + chrono::Duration::seconds(5);
        log.push(later, StatusKind::Info, "m59");
        assert_eq!(log.len(), KEPT);
        let newest = log.newest_first().next().unwrap();
        assert_eq!((newest.times, newest.at), (2, later));
    }
}
