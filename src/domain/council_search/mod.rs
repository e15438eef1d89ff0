//! Finding a council by whatever the caller gives: a few letters of its name
//! (a letter or two wrong is forgiven), its INE code, a contact's name, the
//! digits of a phone number or an e-mail address.
//!
//! The index keeps each council's keys folded once, when the council changes;
//! a keystroke folds only the query and walks the keys without allocating.

use super::municipality::Municipality;
use super::search::{CollationKey, MatchRank, fold, rank};
use std::cmp::Ordering;

/// Which of a contact's keys matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContactKey {
    Name,
    Phone,
    Email,
}

/// What matched the query, so a row can say why it is listed. Declaration
/// order breaks ties between equally good matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Why {
    Name,
    Ine,
    /// The contact at this position of `Municipality::contacts`.
    Contact {
        contact: usize,
        key: ContactKey,
    },
}

/// One council that matches, with how well and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// An index into the councils the index was built from.
    pub council: usize,
    pub rank: MatchRank,
    /// Letters changed, for a typo; 0 otherwise.
    pub edits: u8,
    pub why: Why,
}

impl Hit {
    fn key(&self) -> (MatchRank, u8, Why) {
        (self.rank, self.edits, self.why)
    }
}

/// A folded text with the set of characters in it, which turns most texts
/// away with one comparison: a text lacking a letter of the query cannot hold it.
#[derive(Debug, Clone, Default)]
struct Key {
    text: Box<str>,
    chars: u64,
}

impl Key {
    fn new(folded: String) -> Key {
        Key {
            chars: char_set(&folded),
            text: folded.into(),
        }
    }

    /// `rank`, after the one-comparison check.
    fn rank(&self, query: &Query) -> Option<MatchRank> {
        if query.chars & !self.chars != 0 {
            return None;
        }
        rank(&self.text, &query.text)
    }
}

/// One bit per letter and digit, and one for anything else (spaces aside).
fn char_set(folded: &str) -> u64 {
    folded.chars().fold(0, |set, c| {
        set | match c {
            ' ' => 0,
            'a'..='z' => 1 << (c as u32 - 'a' as u32),
            '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
            _ => 1 << 63,
        }
    })
}

#[derive(Debug, Clone, Default)]
struct ContactEntry {
    name: Key,
    phone: Box<str>,
    email: Key,
}

#[derive(Debug, Clone, Default)]
struct Entry {
    ine: Box<str>,
    name: Key,
    contacts: Vec<ContactEntry>,
}

/// The keys of every council, parallel to the list it was built from.
#[derive(Debug, Clone, Default)]
pub struct CouncilIndex {
    entries: Vec<Entry>,
}

/// A query, read once per keystroke.
#[derive(Debug, Clone)]
pub struct Query {
    text: String,
    /// The characters of `text`, as `char_set` gives them.
    chars: u64,
    /// The most letters a name may have wrong and still match: each word's allowance.
    typos: u8,
    /// The digits of a query made only of digits and phone punctuation.
    digits: Option<String>,
}

impl Query {
    pub fn new(raw: &str) -> Query {
        let phone_like = raw.chars().any(|c| c.is_ascii_digit())
            && raw
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace() || "+-./()".contains(c));
        let text = fold(raw);
        Query {
            chars: char_set(&text),
            typos: text.split(' ').map(|w| typos_allowed(w.chars().count())).sum(),
            text,
            digits: phone_like.then(|| phone_digits(raw)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.digits.is_none()
    }
}

/// A phone number's digits, without the Spanish country code (+34, 0034), so
/// that `+34 973 45 00 02` and `973450002` are the same number.
pub fn phone_digits(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.len() {
        13.. if digits.starts_with("0034") => &digits[4..],
        11 if digits.starts_with("34") => &digits[2..],
        _ => &digits[..],
    };
    national.to_string()
}

/// A phone number as people read it: nine digits in threes (`973 450 002`);
/// any other number as it was written.
pub fn display_phone(text: &str) -> String {
    let digits = phone_digits(text);
    if digits.len() == 9 {
        format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..])
    } else {
        text.trim().to_string()
    }
}

/// How the digits of a query sit in a number: the whole of it, its start, its
/// end (the last digits of a call from an unknown number), or inside it.
fn rank_digits(number: &str, digits: &str) -> Option<MatchRank> {
    if number.is_empty() || digits.is_empty() {
        return None;
    }
    if number == digits {
        Some(MatchRank::Exact)
    } else if number.starts_with(digits) {
        Some(MatchRank::Prefix)
    } else if digits.len() >= 3 && number.ends_with(digits) {
        Some(MatchRank::WordStart)
    } else if digits.len() >= 4 && number.contains(digits) {
        Some(MatchRank::Substring)
    } else {
        None
    }
}

impl CouncilIndex {
    pub fn new(councils: &[Municipality]) -> CouncilIndex {
        let mut index = CouncilIndex::default();
        for (i, m) in councils.iter().enumerate() {
            index.put(i, m);
        }
        index
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sets the keys of council `at`, or appends them when `at` is the length.
    pub fn put(&mut self, at: usize, m: &Municipality) {
        let entry = Entry {
            ine: m.ine.to_string().into(),
            name: Key::new(fold(&m.name)),
            contacts: m
                .contacts
                .iter()
                .map(|c| ContactEntry {
                    name: Key::new(fold(&c.name)),
                    phone: phone_digits(&c.phone).into(),
                    email: Key::new(fold(&c.email)),
                })
                .collect(),
        };
        if at < self.entries.len() {
            self.entries[at] = entry;
        } else {
            self.entries.push(entry);
        }
    }

    pub fn remove(&mut self, at: usize) {
        if at < self.entries.len() {
            self.entries.remove(at);
        }
    }

    /// Council `council`'s best match for the query, if any: its name, code,
    /// contacts' names, phones and addresses; a typo in its name only when
    /// nothing else matches.
    pub fn matches(&self, council: usize, query: &Query) -> Option<Hit> {
        let entry = self.entries.get(council)?;
        let hit = |rank, why| Hit {
            council,
            rank,
            edits: 0,
            why,
        };
        if query.is_empty() {
            return Some(hit(MatchRank::Prefix, Why::Name));
        }
        let mut best: Option<Hit> = None;
        let mut consider = |candidate: Option<Hit>| {
            if let Some(c) = candidate
                && best.is_none_or(|b| c.key() < b.key())
            {
                best = Some(c);
            }
        };
        let text = query.text.as_str();
        if !text.is_empty() && query.digits.is_none() {
            consider(entry.name.rank(query).map(|r| hit(r, Why::Name)));
            for (i, c) in entry.contacts.iter().enumerate() {
                let why = |key| Why::Contact { contact: i, key };
                consider(c.name.rank(query).map(|r| hit(r, why(ContactKey::Name))));
                if !c.email.text.is_empty() {
                    consider(c.email.rank(query).map(|r| hit(r, why(ContactKey::Email))));
                }
            }
        }
        if let Some(digits) = &query.digits {
            // A code is typed from its start; only a phone is called by its last digits.
            let ine = match rank_digits(&entry.ine, digits) {
                Some(r @ (MatchRank::Exact | MatchRank::Prefix)) => Some(hit(r, Why::Ine)),
                _ => None,
            };
            consider(ine);
            for (i, c) in entry.contacts.iter().enumerate() {
                let why = Why::Contact {
                    contact: i,
                    key: ContactKey::Phone,
                };
                consider(rank_digits(&c.phone, digits).map(|r| hit(r, why)));
            }
        }
        // Each letter of the query missing from the name costs an edit at least:
        // most names are turned away here, before any distance is computed.
        let may_be_typo = (query.chars & !entry.name.chars).count_ones() <= u32::from(query.typos);
        if best.is_none() && query.digits.is_none() && may_be_typo {
            best = typo_edits(&entry.name.text, text).map(|edits| Hit {
                edits,
                ..hit(MatchRank::Typo, Why::Name)
            });
        }
        best
    }

    /// Every council matching the query, best first: exact, prefix, word start,
    /// substring, typo (fewest letters changed first); then a name match before
    /// a code's or a contact's; then in Catalan order of the names in `collation`.
    pub fn search(&self, query: &Query, collation: &[CollationKey]) -> Vec<Hit> {
        let mut hits: Vec<Hit> = (0..self.entries.len())
            .filter_map(|i| self.matches(i, query))
            .collect();
        hits.sort_by(|a, b| {
            a.key()
                .cmp(&b.key())
                .then_with(|| match (collation.get(a.council), collation.get(b.council)) {
                    (Some(x), Some(y)) => x.cmp(y),
                    _ => Ordering::Equal,
                })
        });
        hits
    }
}

/// The longest word a typo is looked for in; longer words must match as typed.
const TYPO_WORD: usize = 32;

/// How many letters a word of `len` letters may have wrong: none up to three,
/// one up to seven, two from eight.
pub fn typos_allowed(len: usize) -> u8 {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Letters changed between the query and the name when each word of the query
/// is a word of the name with at most its allowance of typos (the last one may
/// be the start of a word, as it is being typed); None if some word is not.
pub fn typo_edits(folded_name: &str, folded_query: &str) -> Option<u8> {
    if folded_query.is_empty() {
        return None;
    }
    let words = folded_query.split(' ');
    let last = folded_query.split(' ').count() - 1;
    let mut total = 0u8;
    for (n, word) in words.enumerate() {
        let allowed = typos_allowed(word.chars().count());
        let letters = char_set(word);
        let best = folded_name
            .split(' ')
            .filter(|name_word| (letters & !char_set(name_word)).count_ones() <= u32::from(allowed))
            .filter_map(|name_word| osa_distance(word, name_word, n == last, allowed))
            .min()?;
        total = total.saturating_add(best);
    }
    Some(total)
}

/// The optimal-string-alignment distance (insertions, deletions, substitutions
/// and swaps of two neighbours, one edit each) from `query` to `target`, or to
/// the closest start of `target` when `prefix`; None beyond `max`. Written here
/// rather than taken from `strsim` for the prefix form and to allocate nothing.
fn osa_distance(query: &str, target: &str, prefix: bool, max: u8) -> Option<u8> {
    let max = usize::from(max);
    let mut q = ['\0'; TYPO_WORD];
    let m = fill(&mut q, query)?;
    let mut t = ['\0'; TYPO_WORD];
    let n = if prefix {
        // A start of the target longer than the query plus the edits cannot be closer.
        fill_start(&mut t, target, (m + max).min(TYPO_WORD))
    } else {
        fill(&mut t, target)?
    };
    if (!prefix && n.abs_diff(m) > max) || n + max < m {
        return None;
    }
    let (q, t) = (&q[..m], &t[..n]);
    // Three rows of the table: two back (for swaps), the previous, the current.
    let mut rows = [[0usize; TYPO_WORD + 1]; 3];
    for (j, cell) in rows[1].iter_mut().enumerate().take(n + 1) {
        *cell = j;
    }
    let mut previous_min = 0;
    for i in 1..=m {
        let [two_back, prev, cur] = &mut rows;
        cur[0] = i;
        let mut row_min = i;
        for j in 1..=n {
            let cost = usize::from(q[i - 1] != t[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && q[i - 1] == t[j - 2] && q[i - 2] == t[j - 1] {
                d = d.min(two_back[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        // Every way to the end crosses one of two neighbouring rows (a swap skips one).
        if row_min.min(previous_min) > max {
            return None;
        }
        previous_min = row_min;
        rows.rotate_left(1);
    }
    // After the last rotation the last row computed is the middle one.
    let last = &rows[1][..=n];
    let distance = if prefix {
        last.iter().copied().min().unwrap_or(usize::MAX)
    } else {
        last[n]
    };
    (distance <= max).then_some(distance as u8)
}

/// Copies the characters of `text` into `buffer`; None if they do not fit.
fn fill(buffer: &mut [char; TYPO_WORD], text: &str) -> Option<usize> {
    let mut n = 0;
    for c in text.chars() {
        *buffer.get_mut(n)? = c;
        n += 1;
    }
    Some(n)
}

/// Copies the first `limit` characters of `text` into `buffer`.
fn fill_start(buffer: &mut [char; TYPO_WORD], text: &str, limit: usize) -> usize {
    let mut n = 0;
    for (slot, c) in buffer.iter_mut().take(limit).zip(text.chars()) {
        *slot = c;
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests;
