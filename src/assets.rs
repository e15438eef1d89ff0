//! Data embedded in the binary at build time; nothing here reads the file system.

use crate::domain::catalog::{CertType, Service};
use chrono::NaiveDate;
use serde::Deserialize;
use std::sync::OnceLock;

pub const MUNICIPALITIES_CSV: &str = include_str!("../assets/municipis_catalunya.csv");
pub const HOLIDAYS_CSV: &str = include_str!("../assets/festius_catalunya.csv");
pub const SERVICES_TOML: &str = include_str!("../assets/services.toml");
pub const CERT_TYPES_TOML: &str = include_str!("../assets/certificate_types.toml");
pub const KEYMAP_TOML: &str = include_str!("../assets/keymap.toml");

/// A municipality as the reference data describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct AssetMunicipality {
    pub ine_code: String,
    pub name: String,
    pub comarca: String,
    pub population: u32,
    pub population_year: u16,
}

/// One public holiday of Catalonia.
#[derive(Debug, Clone, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
    pub scope: String,
}

pub fn municipalities() -> &'static [AssetMunicipality] {
    static CELL: OnceLock<Vec<AssetMunicipality>> = OnceLock::new();
    CELL.get_or_init(|| parse_csv(MUNICIPALITIES_CSV))
}

pub fn holidays() -> &'static [Holiday] {
    static CELL: OnceLock<Vec<Holiday>> = OnceLock::new();
    CELL.get_or_init(|| parse_csv(HOLIDAYS_CSV))
}

/// The comarques in the reference data, sorted in Catalan order.
pub fn comarques() -> Vec<&'static str> {
    let mut names: Vec<&str> = municipalities().iter().map(|m| m.comarca.as_str()).collect();
    names.sort_by(|a, b| crate::domain::search::collate(a, b));
    names.dedup();
    names
}

pub fn services() -> &'static [Service] {
    #[derive(Deserialize)]
    struct File {
        service: Vec<Service>,
    }
    static CELL: OnceLock<Vec<Service>> = OnceLock::new();
    CELL.get_or_init(|| parse_toml::<File>(SERVICES_TOML).service)
}

pub fn cert_types() -> &'static [CertType] {
    #[derive(Deserialize)]
    struct File {
        r#type: Vec<CertType>,
    }
    static CELL: OnceLock<Vec<CertType>> = OnceLock::new();
    CELL.get_or_init(|| parse_toml::<File>(CERT_TYPES_TOML).r#type)
}

// Embedded assets are fixed at build time and checked by the tests below, so a
// failure here is a build defect, not bad user input.
fn parse_csv<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("embedded CSV asset is valid")
}

fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> T {
    toml::from_str(text).expect("embedded TOML asset is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_data_is_complete() {
        assert_eq!(municipalities().len(), 947);
        assert!(municipalities().iter().all(|m| m.ine_code.len() == 6));
        assert_eq!(comarques().len(), 43);
        let noguera = municipalities().iter().filter(|m| m.comarca == "Noguera").count();
        assert_eq!(noguera, 30);
        let priorat = municipalities().iter().filter(|m| m.comarca == "Priorat").count();
        assert_eq!(priorat, 23);
        assert_eq!(holidays().len(), 37);
    }

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
    }
}
