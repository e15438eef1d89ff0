//! Undo and redo stacks, one pair per user: a store shared by several people
//! (`--db` on a shared directory) lets each one's `u` undo their own changes.
//!
//! Stores written before this kept one pair for everyone under `undo` and `redo`;
//! until a user's own pair is written, theirs are their entries in those.

use super::{SledStore, codec};
use crate::store::Result;
use crate::store::dump::UserStacks;
use std::collections::BTreeMap;

/// The shared stacks of older stores; never written now.
pub(super) const UNDO_KEY: &[u8] = b"undo";
pub(super) const REDO_KEY: &[u8] = b"redo";
const UNDO_PREFIX: &[u8] = b"undo:";
const REDO_PREFIX: &[u8] = b"redo:";
/// How many changes `u` can walk back.
const UNDO_DEPTH: usize = 1000;

pub(super) fn undo_key(user: &str) -> Vec<u8> {
    [UNDO_PREFIX, user.as_bytes()].concat()
}

pub(super) fn redo_key(user: &str) -> Vec<u8> {
    [REDO_PREFIX, user.as_bytes()].concat()
}

impl UserStacks {
    /// The stacks after a commit with sequence number `seq`.
    pub(super) fn moved(mut self, how: super::commit::StackMove, seq: u64) -> UserStacks {
        use super::commit::StackMove;
        match how {
            StackMove::Do => {
                self.undo.push(seq);
                self.redo.clear();
            }
            StackMove::Keep => {}
            StackMove::Undo => {
                if let Some(s) = self.undo.pop() {
                    self.redo.push(s);
                }
            }
            StackMove::Redo => {
                if let Some(s) = self.redo.pop() {
                    self.undo.push(s);
                }
            }
        }
        if self.undo.len() > UNDO_DEPTH {
            self.undo.drain(..self.undo.len() - UNDO_DEPTH);
        }
        self
    }
}

impl SledStore {
    /// `user`'s stacks.
    pub(super) fn stacks_of(&self, user: &str) -> Result<UserStacks> {
        Ok(UserStacks {
            undo: self.stack(&undo_key(user), UNDO_KEY, user)?,
            redo: self.stack(&redo_key(user), REDO_KEY, user)?,
        })
    }

    fn stack(&self, key: &[u8], shared: &[u8], user: &str) -> Result<Vec<u64>> {
        if let Some(bytes) = self.meta()?.get(key)? {
            return Ok(codec::decode(&bytes)?);
        }
        let mut theirs = Vec::new();
        for seq in self.shared_stack(shared)? {
            if self.head(seq)?.user == user {
                theirs.push(seq);
            }
        }
        Ok(theirs)
    }

    /// A shared stack of an older store, as it was left.
    pub(super) fn shared_stack(&self, key: &[u8]) -> Result<Vec<u64>> {
        match self.meta()?.get(key)? {
            Some(bytes) => Ok(codec::decode(&bytes)?),
            None => Ok(Vec::new()),
        }
    }

    /// Every user's own stacks, for a backup.
    pub(super) fn all_stacks(&self) -> Result<BTreeMap<String, UserStacks>> {
        let meta = self.meta()?;
        let mut out: BTreeMap<String, UserStacks> = BTreeMap::new();
        for (prefix, undo) in [(UNDO_PREFIX, true), (REDO_PREFIX, false)] {
            for item in meta.scan_prefix(prefix) {
                let (key, value) = item?;
                let user = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
                let stack: Vec<u64> = codec::decode(&value)?;
                let entry = out.entry(user).or_default();
                match undo {
                    true => entry.undo = stack,
                    false => entry.redo = stack,
                }
            }
        }
        Ok(out)
    }
}
