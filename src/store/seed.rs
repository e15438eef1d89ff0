//! Filling a new store with a comarca's councils and their pending rollouts.

use super::{Change, ChangeKind, Edit, Record, Result, Store, StoreError};
use crate::assets;
use crate::domain::catalog::services;
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::rollout::Rollout;
use crate::domain::search::fold;
use crate::domain::similar::{self, Pick};
use chrono::{DateTime, Utc};

/// Which councils a store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Comarca(String),
    All,
}

/// A comarca name that names none in the reference data, with the closest ones,
/// or (`ambiguous`) that could be several of them, which are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownComarca {
    pub given: String,
    pub closest: Vec<&'static str>,
    pub ambiguous: bool,
}

/// Resolves a name typed by a person ("noguera", "Pla d'Urgell", "all"), also
/// from a unique start of it ("noguer") or with a typo ("nogera").
pub fn resolve_scope(name: &str) -> std::result::Result<Scope, UnknownComarca> {
    let folded = fold(name);
    if folded == "all" || folded == "tot" || folded == "tots" || folded == "catalunya" {
        return Ok(Scope::All);
    }
    // Aran is often written as the Val d'Aran; Idescat lists it as "Aran".
    let folded = if folded == "val d aran" {
        "aran".to_string()
    } else {
        folded
    };
    let comarques = comarques();
    let (closest, ambiguous) = match similar::pick(&folded, &comarques) {
        Pick::One(i) => return Ok(Scope::Comarca(comarques[i].to_string())),
        Pick::Several(mut found) => {
            found.truncate(6);
            (found, true)
        }
        Pick::None => (similar::closest(&folded, &comarques, 3), false),
    };
    Err(UnknownComarca {
        given: name.to_string(),
        closest: closest.into_iter().map(|i| comarques[i]).collect(),
        ambiguous,
    })
}

/// The comarques in the reference data, sorted in Catalan order.
pub fn comarques() -> Vec<&'static str> {
    let mut names: Vec<&str> = assets::municipalities()
        .iter()
        .map(|m| m.comarca.as_str())
        .collect();
    names.sort_by(|a, b| crate::domain::search::collate(a, b));
    names.dedup();
    names
}

/// The councils of a scope, from the reference data.
pub fn reference_municipalities(scope: &Scope) -> Vec<Municipality> {
    assets::municipalities()
        .iter()
        .filter(|m| match scope {
            Scope::All => true,
            Scope::Comarca(c) => &m.comarca == c,
        })
        .filter_map(|m| {
            Some(Municipality {
                ine: IneCode::parse(&m.ine_code)?,
                name: m.name.clone(),
                comarca: m.comarca.clone(),
                population: m.population,
                population_year: m.population_year,
                contacts: Vec::new(),
                notes: String::new(),
                subscriber_form_sent_on: None,
            })
        })
        .collect()
}

/// Seeds an empty store: the councils of `scope` and every council × service
/// rollout as pending, as one change. Returns how many councils were added.
pub fn seed(store: &dyn Store, scope: &Scope, at: DateTime<Utc>) -> Result<usize> {
    if !store.is_empty()? {
        return Err(StoreError::NotEmpty(store.location().to_string()));
    }
    let councils = reference_municipalities(scope);
    let mut edits = Vec::with_capacity(councils.len() * (1 + services().len()));
    let rollouts: Vec<Rollout> = councils
        .iter()
        .flat_map(|m| services().iter().map(|s| Rollout::pending(m.ine, s)))
        .collect();
    let count = councils.len();
    // Councils first: whoever mirrors the change needs them before their rollouts.
    edits.extend(
        councils
            .into_iter()
            .map(|m| Edit::create(Record::Municipality(m))),
    );
    edits.extend(rollouts.into_iter().map(|r| Edit::create(Record::Rollout(r))));
    // The catalogue too, so that every technician of the store sees the same columns.
    edits.extend(
        services()
            .iter()
            .cloned()
            .map(|s| Edit::create(Record::Service(s))),
    );
    // Seeding is the store's starting point, not something `u` should take back.
    store.apply(Change::new(ChangeKind::StoreInit, edits).not_undoable(), at)?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comarca_names_resolve_loosely() {
        assert_eq!(resolve_scope("noguera"), Ok(Scope::Comarca("Noguera".into())));
        assert_eq!(
            resolve_scope("PLA D'URGELL"),
            Ok(Scope::Comarca("Pla d'Urgell".into()))
        );
        assert_eq!(resolve_scope("all"), Ok(Scope::All));
        // A unique start, or a typo.
        assert_eq!(resolve_scope("noguer"), Ok(Scope::Comarca("Noguera".into())));
        assert_eq!(resolve_scope("Nogera"), Ok(Scope::Comarca("Noguera".into())));
        assert_eq!(resolve_scope("val d'aran"), Ok(Scope::Comarca("Aran".into())));
        // Several: they are listed.
        let err = resolve_scope("pla").unwrap_err();
        assert!(err.ambiguous);
        assert_eq!(err.closest, ["Pla d'Urgell", "Pla de l'Estany"]);
        // None: the closest, most alike first.
        let err = resolve_scope("Nugerola").unwrap_err();
        assert!(!err.ambiguous);
        assert_eq!(err.closest[0], "Noguera");
        assert_eq!(err.closest.len(), 3);
    }

    #[test]
    fn every_comarca_has_its_councils() {
        assert_eq!(comarques().len(), 43);
        for c in comarques() {
            let n = reference_municipalities(&Scope::Comarca(c.to_string())).len();
            assert!(n > 0, "{c}");
        }
        assert_eq!(
            reference_municipalities(&Scope::Comarca("Priorat".into())).len(),
            23
        );
        assert_eq!(reference_municipalities(&Scope::All).len(), 947);
    }
}
