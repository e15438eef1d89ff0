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
mod tests {
    use super::*;
    use crate::domain::municipality::{Contact, ContactRole, IneCode};

    fn council(ine: u32, name: &str, contacts: &[(&str, &str, &str)]) -> Municipality {
        Municipality {
            ine: IneCode(ine),
            name: name.into(),
            comarca: "Noguera".into(),
            population: 100,
            population_year: 2025,
            contacts: contacts
                .iter()
                .map(|(name, phone, email)| Contact {
                    role: ContactRole::Secretary,
                    name: (*name).into(),
                    phone: (*phone).into(),
                    email: (*email).into(),
                })
                .collect(),
            notes: String::new(),
            subscriber_form_sent_on: None,
        }
    }

    fn councils() -> Vec<Municipality> {
        vec![
            council(
                252228,
                "Tiurana",
                &[("Marta Vila", "973 45 00 02", "secretaria@tiurana.cat")],
            ),
            council(252440, "Vilanova de Meià", &[("Joan Puig", "973415005", "")]),
            council(
                250059,
                "Àger",
                &[("Anna Roca", "+34 973 45 51 00", "ajuntament@ager.cat")],
            ),
            council(251719, "Os de Balaguer", &[]),
            council(250404, "Balaguer", &[("Pere Solé", "973445194", "")]),
            council(250195, "Alòs de Balaguer", &[]),
            council(259999, "Vilanova de l'Aguda", &[]),
        ]
    }

    fn names(list: &[Municipality], query: &str) -> Vec<(String, MatchRank, Why)> {
        let index = CouncilIndex::new(list);
        let collation: Vec<CollationKey> = list.iter().map(|m| CollationKey::new(&m.name)).collect();
        index
            .search(&Query::new(query), &collation)
            .into_iter()
            .map(|h| (list[h.council].name.clone(), h.rank, h.why))
            .collect()
    }

    fn first(list: &[Municipality], query: &str) -> Option<(String, MatchRank, Why)> {
        names(list, query).into_iter().next()
    }

    #[test]
    fn a_typo_in_a_name_is_forgiven() {
        let list = councils();
        let (name, rank, _) = first(&list, "tiurna").unwrap();
        assert_eq!((name.as_str(), rank), ("Tiurana", MatchRank::Typo));
        let (name, rank, _) = first(&list, "vilanoba de meia").unwrap();
        assert_eq!((name.as_str(), rank), ("Vilanova de Meià", MatchRank::Typo));
        // Two letters off in a long word; swapped neighbours are one edit.
        let both: Vec<String> = names(&list, "vilanobba").into_iter().map(|h| h.0).collect();
        assert_eq!(both, ["Vilanova de l'Aguda", "Vilanova de Meià"]);
        assert_eq!(first(&list, "tiruana").unwrap().0, "Tiurana");
        // Short words must be right: three letters allow none, seven one.
        assert_eq!(first(&list, "agr"), None);
        assert_eq!(first(&list, "tiuranna").unwrap().0, "Tiurana");
        assert_eq!(first(&list, "tuirnaa"), None, "three edits in eight letters");
        // While typing, the last word may be the start of a name's word.
        assert_eq!(first(&list, "tiurn").unwrap().0, "Tiurana");
        assert_eq!(first(&list, "xyzzy"), None);
    }

    #[test]
    fn a_phone_number_is_found_by_its_digits_whatever_the_spacing() {
        let list = councils();
        for query in ["973 45 00 02", "+34973450002", "0034 973 450 002", "973-450-002"] {
            let (name, rank, why) = first(&list, query).unwrap();
            assert_eq!(name, "Tiurana", "{query}");
            assert_eq!(rank, MatchRank::Exact, "{query}");
            assert_eq!(
                why,
                Why::Contact {
                    contact: 0,
                    key: ContactKey::Phone
                }
            );
        }
        // A call from an unknown number: its last digits.
        let (name, rank, _) = first(&list, "450002").unwrap();
        assert_eq!((name.as_str(), rank), ("Tiurana", MatchRank::WordStart));
        assert_eq!(first(&list, "5100").unwrap().0, "Àger", "stored with +34");
        assert_eq!(first(&list, "97345").unwrap().1, MatchRank::Prefix);
        assert_eq!(names(&list, "97345").len(), 2, "Tiurana and Àger start so");
        assert_eq!(phone_digits("+34 973 45 00 02"), "973450002");
        assert_eq!(display_phone("973450002"), "973 450 002");
        assert_eq!(display_phone("+33 1 23 45 67 89"), "+33 1 23 45 67 89");
    }

    #[test]
    fn an_ine_code_finds_its_council() {
        let list = councils();
        assert_eq!(
            first(&list, "252228").unwrap(),
            ("Tiurana".to_string(), MatchRank::Exact, Why::Ine)
        );
        let (name, rank, why) = first(&list, "25244").unwrap();
        assert_eq!(
            (name.as_str(), rank, why),
            ("Vilanova de Meià", MatchRank::Prefix, Why::Ine)
        );
    }

    #[test]
    fn contact_names_and_addresses_say_which_contact_matched() {
        let list = councils();
        let (name, rank, why) = first(&list, "marta").unwrap();
        assert_eq!((name.as_str(), rank), ("Tiurana", MatchRank::Prefix));
        assert_eq!(
            why,
            Why::Contact {
                contact: 0,
                key: ContactKey::Name
            }
        );
        let (name, _, why) = first(&list, "vila marta").unwrap();
        assert_eq!(name, "Tiurana", "words in any order");
        assert!(matches!(
            why,
            Why::Contact {
                key: ContactKey::Name,
                ..
            }
        ));
        let (name, rank, why) = first(&list, "ajuntament@ager.cat").unwrap();
        assert_eq!((name.as_str(), rank), ("Àger", MatchRank::Exact));
        assert!(matches!(
            why,
            Why::Contact {
                key: ContactKey::Email,
                ..
            }
        ));
        let (name, _, why) = first(&list, "tiurana.cat").unwrap();
        assert_eq!(name, "Tiurana");
        assert!(matches!(
            why,
            Why::Contact {
                key: ContactKey::Email,
                ..
            }
        ));
    }

    #[test]
    fn the_best_match_comes_first() {
        let list = councils();
        // Exact, then prefix, then word start; ties in Catalan order.
        let got = names(&list, "balaguer");
        let order: Vec<(&str, MatchRank)> = got.iter().map(|(n, r, _)| (n.as_str(), *r)).collect();
        assert_eq!(
            order,
            [
                ("Balaguer", MatchRank::Exact),
                ("Alòs de Balaguer", MatchRank::WordStart),
                ("Os de Balaguer", MatchRank::WordStart),
            ]
        );
        // Prefix before substring before typo.
        let list = vec![
            council(1, "Anova", &[]),
            council(2, "Vilanova", &[]),
            council(3, "Novalla", &[]),
            council(4, "Navàs", &[]),
        ];
        let got = names(&list, "nova");
        let order: Vec<(&str, MatchRank)> = got.iter().map(|(n, r, _)| (n.as_str(), *r)).collect();
        assert_eq!(
            order,
            [
                ("Novalla", MatchRank::Prefix),
                ("Anova", MatchRank::Substring),
                ("Vilanova", MatchRank::Substring),
                ("Navàs", MatchRank::Typo),
            ]
        );
        // A name match comes before a contact's at the same rank.
        let list = vec![
            council(1, "Marta", &[]),
            council(2, "Zeta", &[("Marta Vila", "", "")]),
        ];
        let got = names(&list, "marta");
        assert_eq!(got[0].0, "Marta");
        assert_eq!(got[1].0, "Zeta");
        assert_eq!(got[1].1, MatchRank::Prefix);
    }

    #[test]
    fn the_index_follows_changes() {
        let mut list = councils();
        let mut index = CouncilIndex::new(&list);
        let query = Query::new("laia");
        assert!(index.matches(0, &query).is_none());
        list[0].contacts[0].name = "Laia Serra".into();
        index.put(0, &list[0]);
        assert!(index.matches(0, &query).is_some());
        index.remove(0);
        assert_eq!(index.len(), list.len() - 1);
        assert!(
            index.matches(0, &query).is_none(),
            "Vilanova de Meià is first now"
        );
    }

    #[test]
    fn distances_count_each_kind_of_edit_once() {
        assert_eq!(osa_distance("tiurna", "tiurana", false, 2), Some(1));
        assert_eq!(osa_distance("tiruana", "tiurana", false, 2), Some(1));
        assert_eq!(osa_distance("vilanoba", "vilanova", false, 2), Some(1));
        assert_eq!(osa_distance("abcd", "wxyz", false, 2), None);
        assert_eq!(osa_distance("tiur", "tiurana", true, 1), Some(0));
        assert_eq!(osa_distance("tiurn", "tiurana", true, 1), Some(1));
        assert_eq!(osa_distance("tiurn", "tiurana", false, 1), None);
        assert_eq!(osa_distance("", "abc", false, 2), None, "three inserts");
        assert_eq!(osa_distance("a".repeat(40).as_str(), "a", false, 2), None);
    }
}
