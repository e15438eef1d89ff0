//! The AOC service catalogue and the T-CAT certificate types, read from the
//! embedded assets.

use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::sync::OnceLock;

/// An AOC service a council can adopt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Stable machine id, e.g. "e-notum".
    pub id: String,
    /// Three-letter column header, e.g. "NOT".
    pub short: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The adoption checklist, in order.
    pub steps: Vec<String>,
    /// Retired from the AOC's catalogue: hidden from the matrix, its records kept.
    #[serde(default)]
    pub retired: bool,
    /// Its column's place in the matrix (the store keeps services by id).
    #[serde(default)]
    pub position: u32,
}

/// A certificate type the Registration Entity can request.
#[derive(Debug, Clone, Deserialize)]
pub struct CertType {
    pub code: String,
    pub name: String,
    pub validity_years: u32,
    pub legacy: bool,
    /// Valid from delivery rather than from issue (T-CAT P, DOMAIN.md §1).
    #[serde(default)]
    pub from_delivery: bool,
}

/// The catalogue in use: the store's, once `use_catalogue` has read it, else the
/// assets'. Retired services are in it (their records are kept and exported);
/// `active_columns` is what the matrix shows.
pub fn services() -> &'static [Service] {
    CURRENT.with(Cell::get).unwrap_or_else(default_services)
}

/// The catalogue the binary carries, which seeds a new store.
pub fn default_services() -> &'static [Service] {
    #[derive(Deserialize)]
    struct File {
        service: Vec<Service>,
    }
    static CELL: OnceLock<Vec<Service>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut list = parse_toml::<File>(crate::assets::SERVICES_TOML).service;
        for (i, s) in list.iter_mut().enumerate() {
            s.position = i as u32;
        }
        list
    })
}

thread_local! {
    /// Per thread, so that tests running side by side in one process each see
    /// their own store's catalogue; the program reads it on its main thread only.
    static CURRENT: Cell<Option<&'static [Service]>> = const { Cell::new(None) };
}

/// Makes `list` (a store's catalogue, in any order) the one in use, by position.
/// An empty list (a store written before the catalogue was kept) keeps the
/// assets'. A catalogue changes a few times a year: the old one is not freed,
/// which keeps `services()` a plain slice for every caller.
pub fn use_catalogue(mut list: Vec<Service>) {
    if list.is_empty() {
        CURRENT.with(|c| c.set(None));
        return;
    }
    list.sort_by(|a, b| a.position.cmp(&b.position).then_with(|| a.id.cmp(&b.id)));
    if list.as_slice() == services() {
        return;
    }
    let leaked: &'static [Service] = Box::leak(list.into_boxed_slice());
    CURRENT.with(|c| c.set(Some(leaked)));
}

/// The matrix's columns: the catalogue's services that are not retired.
pub fn active_columns() -> Vec<usize> {
    services()
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.retired)
        .map(|(i, _)| i)
        .collect()
}

impl Service {
    /// The checklist step a training completes ("Formació feta"), if the service has one.
    pub fn training_step(&self) -> Option<usize> {
        self.steps
            .iter()
            .position(|step| super::search::fold(step).starts_with("formacio"))
    }
}

pub fn service_index(id: &str) -> Option<usize> {
    services().iter().position(|s| s.id == id)
}

pub fn cert_types() -> &'static [CertType] {
    #[derive(Deserialize)]
    struct File {
        r#type: Vec<CertType>,
    }
    static CELL: OnceLock<Vec<CertType>> = OnceLock::new();
    CELL.get_or_init(|| parse_toml::<File>(crate::assets::CERT_TYPES_TOML).r#type)
}

pub fn cert_type(code: &str) -> Option<&'static CertType> {
    cert_types().iter().find(|t| t.code == code)
}

/// A type's name as every screen and report shows it (`T-CAT`), or its code if unknown.
pub fn cert_type_name(code: &str) -> &str {
    cert_type(code).map_or(code, |t| t.name.as_str())
}

// Embedded assets are fixed at build time and checked by the tests below, so a
// failure here is a build defect, not bad user input.
fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> T {
    toml::from_str(text).expect("embedded TOML asset is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_parse_with_the_expected_entries() {
        let shorts: Vec<&str> = services().iter().map(|s| s.short.as_str()).collect();
        assert_eq!(
            shorts,
            [
                "TRA", "VOB", "EAC", "PSC", "FAC", "NOT", "ERE", "CER", "IDE", "RID", "SEG", "TAU"
            ]
        );
        assert!(
            services()
                .iter()
                .all(|s| !s.steps.is_empty() && !s.description.is_empty())
        );
        let codes: Vec<&str> = cert_types().iter().map(|t| t.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "classe-1",
                "classe-2",
                "cpisr-cpx",
                "cpisr-1-carrec-us",
                "cipisr-1",
                "cipisr-2",
                "cda",
                "cds",
                "cdp",
                "cdsdc",
                "tcat",
                "tcat-p",
                "pseudonim",
                "representant",
                "segell"
            ]
        );
        assert!(cert_types().iter().all(|t| t.validity_years == 4));
        let from_delivery: Vec<&str> = cert_types()
            .iter()
            .filter(|t| t.from_delivery)
            .map(|t| t.code.as_str())
            .collect();
        assert_eq!(from_delivery, ["tcat-p"]);
    }

    #[test]
    fn four_services_have_a_training_step() {
        let with: Vec<(&str, usize)> = services()
            .iter()
            .filter_map(|s| s.training_step().map(|i| (s.short.as_str(), i)))
            .collect();
        assert_eq!(with.len(), 4, "{with:?}");
        let notum = services().iter().find(|s| s.id == "e-notum").unwrap();
        assert_eq!(notum.steps[notum.training_step().unwrap()], "Formació feta");
        let er = services().iter().find(|s| s.id == "er-idcat").unwrap();
        assert!(er.steps[er.training_step().unwrap()].starts_with("Formació d'operadors"));
    }
}
