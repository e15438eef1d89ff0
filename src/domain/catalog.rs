//! The AOC service catalogue and the T-CAT certificate types.

use serde::Deserialize;

/// An AOC service a council can adopt.
#[derive(Debug, Clone, Deserialize)]
pub struct Service {
    /// Stable machine id, e.g. "e-notum".
    pub id: String,
    /// Three-letter column header, e.g. "NOT".
    pub short: String,
    pub name: String,
    pub description: String,
    /// The adoption checklist, in order.
    pub steps: Vec<String>,
}

/// A certificate type the Registration Entity can request.
#[derive(Debug, Clone, Deserialize)]
pub struct CertType {
    pub code: String,
    pub name: String,
    pub validity_years: u32,
    pub legacy: bool,
}

pub fn services() -> &'static [Service] {
    crate::assets::services()
}

pub fn service_index(id: &str) -> Option<usize> {
    services().iter().position(|s| s.id == id)
}

pub fn cert_types() -> &'static [CertType] {
    crate::assets::cert_types()
}

pub fn cert_type(code: &str) -> Option<&'static CertType> {
    cert_types().iter().find(|t| t.code == code)
}
