//! Changing the service catalogue: a file's `[[services]]` entries add a service
//! (`id`, a 3-letter `short`, `name`, `steps`) or retire one (`id`, `retired = true`).
//! All of it or nothing; a retired service keeps its records.

use crate::domain::catalog::Service;
use crate::domain::limits;
use crate::i18n::{I18n, Msg};
use crate::store::{Change, ChangeKind, Edit, Record};
use serde::{Deserialize, Serialize};

/// One `[[services]]` entry as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

/// The file: `[[services]]` entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    #[serde(default)]
    pub services: Vec<Entry>,
}

/// What is wrong with one entry (its position, from 1, and its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryError {
    pub index: usize,
    pub id: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Ids are lower-case letters, digits and hyphens.
    BadId,
    /// A new service needs this field.
    Missing(&'static str),
    /// `short` is three letters.
    BadShort(String),
    /// Another service shown has this `short`.
    ShortTaken { short: String, by: String },
    /// Retiring a service the catalogue does not have.
    UnknownService,
    /// The same id twice in the file.
    Twice,
    /// A text longer than the store takes for it (`domain::limits`).
    TooLong { field: &'static str, max: usize },
}

impl EntryError {
    pub fn localize(&self, t: &I18n) -> String {
        let problem = match &self.problem {
            Problem::BadId => t.t(Msg::svc_err_id).to_string(),
            Problem::Missing(field) => t.f(Msg::svc_err_missing, &[("field", field)]),
            Problem::BadShort(short) => t.f(Msg::svc_err_short, &[("short", short)]),
            Problem::ShortTaken { short, by } => t.f(
                Msg::svc_err_short_taken,
                &[("short", short), ("by", by), ("de_by", &t.de(by))],
            ),
            Problem::UnknownService => t.t(Msg::svc_err_unknown).to_string(),
            Problem::Twice => t.t(Msg::svc_err_twice).to_string(),
            Problem::TooLong { field, max } => t.f(Msg::svc_err_too_long, &[("field", field), ("max", max)]),
        };
        t.f(
            Msg::svc_err_entry,
            &[("index", &self.index), ("id", &self.id), ("problem", &problem)],
        )
    }
}

/// The current catalogue as a file (retired services included), in column order.
pub fn to_file(catalogue: &[Service]) -> File {
    File {
        services: catalogue
            .iter()
            .map(|s| Entry {
                id: s.id.clone(),
                short: Some(s.short.clone()),
                name: Some(s.name.clone()),
                description: (!s.description.is_empty()).then(|| s.description.clone()),
                steps: Some(s.steps.clone()),
                retired: s.retired,
            })
            .collect(),
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The change the file makes to `catalogue` (the one in use), or the first entry
/// at fault. `stored` says whether the store holds the catalogue already: if not,
/// the change writes all of it, so that the store has it from then on. None when
/// nothing would change.
pub fn apply_file(catalogue: &[Service], stored: bool, file: &File) -> Result<Option<Change>, EntryError> {
    let mut after: Vec<Service> = catalogue.to_vec();
    let mut seen: Vec<&str> = Vec::new();
    for (i, entry) in file.services.iter().enumerate() {
        let fail = |problem| EntryError {
            index: i + 1,
            id: entry.id.clone(),
            problem,
        };
        let id = entry.id.trim();
        if !valid_id(id) {
            return Err(fail(Problem::BadId));
        }
        if seen.contains(&id) {
            return Err(fail(Problem::Twice));
        }
        seen.push(id);
        let existing = after.iter().position(|s| s.id == id);
        if entry.retired && entry.short.is_none() && entry.name.is_none() && entry.steps.is_none() {
            let at = existing.ok_or_else(|| fail(Problem::UnknownService))?;
            after[at].retired = true;
            continue;
        }
        let base = existing.map(|at| after[at].clone());
        let short = match (&entry.short, &base) {
            (Some(short), _) => short.trim().to_string(),
            (None, Some(b)) => b.short.clone(),
            (None, None) => return Err(fail(Problem::Missing("short"))),
        };
        if short.chars().count() != 3 || !short.chars().all(char::is_alphabetic) {
            return Err(fail(Problem::BadShort(short)));
        }
        let name = match (&entry.name, &base) {
            (Some(name), _) if !name.trim().is_empty() => name.trim().to_string(),
            (None, Some(b)) => b.name.clone(),
            _ => return Err(fail(Problem::Missing("name"))),
        };
        let steps = match (&entry.steps, &base) {
            (Some(steps), _) if !steps.is_empty() => steps.iter().map(|s| s.trim().to_string()).collect(),
            (None, Some(b)) => b.steps.clone(),
            _ => return Err(fail(Problem::Missing("steps"))),
        };
        let position = match &base {
            Some(b) => b.position,
            None => after.iter().map(|s| s.position + 1).max().unwrap_or(0),
        };
        let description = entry
            .description
            .clone()
            .or_else(|| base.as_ref().map(|b| b.description.clone()))
            .unwrap_or_default();
        let texts = [("id", id, limits::NAME), ("name", name.as_str(), limits::NAME)].into_iter();
        let texts = texts.chain([("description", description.as_str(), limits::NOTES)]);
        let texts = texts.chain(steps.iter().map(|s| ("steps", s.as_str(), limits::REASON)));
        for (field, text, max) in texts {
            if !limits::fits(text, max) {
                return Err(fail(Problem::TooLong { field, max }));
            }
        }
        let service = Service {
            id: id.to_string(),
            short,
            name,
            description,
            steps,
            retired: entry.retired,
            position,
        };
        match existing {
            Some(at) => after[at] = service,
            None => after.push(service),
        }
    }
    // Two columns shown with one header would read as one.
    for (i, s) in after.iter().enumerate().filter(|(_, s)| !s.retired) {
        if let Some(other) = after[..i].iter().find(|o| !o.retired && o.short == s.short) {
            let index = file
                .services
                .iter()
                .position(|e| e.id == s.id || e.id == other.id)
                .unwrap_or(0);
            return Err(EntryError {
                index: index + 1,
                id: s.id.clone(),
                problem: Problem::ShortTaken {
                    short: s.short.clone(),
                    by: other.id.clone(),
                },
            });
        }
    }
    let mut edits = Vec::new();
    for s in &after {
        let before = catalogue.iter().find(|b| b.id == s.id);
        match (before, stored) {
            (Some(b), true) if b == s => {}
            (Some(b), true) => edits.push(Edit::update(
                Record::Service(b.clone()),
                Record::Service(s.clone()),
            )),
            (Some(b), false) if b == s => edits.push(Edit::create(Record::Service(s.clone()))),
            _ => edits.push(Edit::create(Record::Service(s.clone()))),
        }
    }
    let changes = after
        .iter()
        .any(|s| catalogue.iter().find(|b| b.id == s.id) != Some(s));
    Ok(changes.then(|| Change::new(ChangeKind::ServicesImport, edits)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::default_services;

    fn file(text: &str) -> File {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn a_13th_service_is_added_at_the_end_and_one_is_retired() {
        let f = file(
            "[[services]]\nid = \"govern-obert\"\nshort = \"GOB\"\nname = \"Govern Obert\"\nsteps = [\"Alta\", \"En producció\"]\n\n[[services]]\nid = \"e-fact\"\nretired = true\n",
        );
        let change = apply_file(default_services(), true, &f).unwrap().unwrap();
        assert_eq!(change.kind, ChangeKind::ServicesImport);
        let after: Vec<Service> = change
            .edits
            .iter()
            .filter_map(|e| match &e.after {
                Some(Record::Service(s)) => Some(s.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(after.len(), 2, "only what changed, the store holding the rest");
        let gob = after.iter().find(|s| s.id == "govern-obert").unwrap();
        assert_eq!(
            (gob.short.as_str(), gob.position, gob.retired),
            ("GOB", 12, false)
        );
        assert!(after.iter().any(|s| s.id == "e-fact" && s.retired));
        // A store without its catalogue gets all of it.
        let all = apply_file(default_services(), false, &f).unwrap().unwrap();
        assert_eq!(all.edits.len(), 13);
        // The export read back changes nothing.
        assert_eq!(
            apply_file(default_services(), true, &to_file(default_services())),
            Ok(None)
        );
    }

    #[test]
    fn each_mistake_names_its_entry() {
        let err = |text: &str| apply_file(default_services(), true, &file(text)).unwrap_err();
        let e = err("[[services]]\nid = \"x\"\nshort = \"XXXX\"\nname = \"X\"\nsteps = [\"a\"]\n");
        assert_eq!((e.index, e.problem), (1, Problem::BadShort("XXXX".into())));
        let e = err("[[services]]\nid = \"x\"\nshort = \"NOT\"\nname = \"X\"\nsteps = [\"a\"]\n");
        assert!(matches!(e.problem, Problem::ShortTaken { ref by, .. } if by == "e-notum"));
        let e = err("[[services]]\nid = \"ningu\"\nretired = true\n");
        assert_eq!(e.problem, Problem::UnknownService);
        let e = err("[[services]]\nid = \"Nou Servei\"\n");
        assert_eq!(e.problem, Problem::BadId);
        let e = err("[[services]]\nid = \"nou\"\nshort = \"NOU\"\nsteps = [\"a\"]\n");
        assert_eq!(e.problem, Problem::Missing("name"));
    }

    #[test]
    fn a_text_longer_than_the_store_takes_is_refused_naming_its_field() {
        let entry = |name: usize, description: usize, step: usize| {
            format!(
                "[[services]]\nid = \"nou\"\nshort = \"NOU\"\nname = \"{}\"\ndescription = \"{}\"\nsteps = [\"a\", \"{}\"]\n",
                "n".repeat(name),
                "d".repeat(description),
                "s".repeat(step)
            )
        };
        let apply = |text: String| apply_file(default_services(), true, &file(&text));
        let (name, notes, reason) = (limits::NAME, limits::NOTES, limits::REASON);
        assert!(apply(entry(name, notes, reason)).is_ok());
        for (text, field, max) in [
            (entry(name + 1, 1, 1), "name", name),
            (entry(1, notes + 1, 1), "description", notes),
            (entry(1, 1, reason + 1), "steps", reason),
        ] {
            let e = apply(text).unwrap_err();
            assert_eq!(e.problem, Problem::TooLong { field, max });
            let t = I18n::new(crate::i18n::Lang::En);
            assert!(
                e.localize(&t)
                    .contains(&format!("\"{field}\" is longer than {max}")),
                "{}",
                e.localize(&t)
            );
        }
    }
}
