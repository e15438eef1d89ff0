//! Data embedded in the binary at build time; nothing here reads the file system.
//! The raw texts, and the reference tables that are only data; what the domain
//! makes of the catalogues is `domain::catalog`'s (so this module imports nothing of it).

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

// Embedded assets are fixed at build time and checked by the tests below, so a
// failure here is a build defect, not bad user input.
fn parse_csv<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("embedded CSV asset is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_data_is_complete() {
        assert_eq!(municipalities().len(), 947);
        assert!(municipalities().iter().all(|m| m.ine_code.len() == 6));
        let noguera = municipalities().iter().filter(|m| m.comarca == "Noguera").count();
        assert_eq!(noguera, 30);
        let priorat = municipalities().iter().filter(|m| m.comarca == "Priorat").count();
        assert_eq!(priorat, 23);
        assert_eq!(holidays().len(), 37);
    }
}
