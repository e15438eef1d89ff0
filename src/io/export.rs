//! Exports in machine formats with English snake_case field names.

use super::{Format, IoError, formula};
use crate::domain::catalog::services;
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::rollout::Rollout;
use crate::store::{Authors, RecordId};
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Who created and who last changed each record, from the store's history.
pub type Authorship = HashMap<RecordId, Authors>;

/// A record's authors as the exports write them: null (an empty CSV cell) for
/// one that has no history, such as a rollout entry never stored.
fn authors_of(authors: &Authorship, id: &RecordId) -> (Option<String>, Option<String>) {
    authors.get(id).map_or((None, None), |a| {
        (Some(a.created_by.clone()), Some(a.updated_by.clone()))
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactOut {
    pub role: String,
    pub name: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MunicipalityOut {
    pub ine_code: String,
    pub name: String,
    pub comarca: String,
    pub population: u32,
    pub population_year: u16,
    pub contacts: Vec<ContactOut>,
    pub notes: String,
    pub subscriber_form_sent_on: Option<NaiveDate>,
    /// The users who created the record and who changed it last.
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub updated_by: Option<String>,
}

impl From<&Municipality> for MunicipalityOut {
    fn from(m: &Municipality) -> Self {
        MunicipalityOut {
            created_by: None,
            updated_by: None,
            ine_code: m.ine.to_string(),
            name: m.name.clone(),
            comarca: m.comarca.clone(),
            population: m.population,
            population_year: m.population_year,
            contacts: m
                .contacts
                .iter()
                .map(|c| ContactOut {
                    role: c.role.as_str().into(),
                    name: c.name.clone(),
                    phone: c.phone.clone(),
                    email: c.email.clone(),
                })
                .collect(),
            notes: m.notes.clone(),
            subscriber_form_sent_on: m.subscriber_form_sent_on,
        }
    }
}

/// The CSV form of a council: contacts as a JSON array in one cell.
#[derive(Serialize, Default)]
struct MunicipalityCsv<'a> {
    ine_code: &'a str,
    name: &'a str,
    comarca: &'a str,
    population: u32,
    population_year: u16,
    contacts: String,
    notes: &'a str,
    subscriber_form_sent_on: Option<NaiveDate>,
    created_by: Option<&'a str>,
    updated_by: Option<&'a str>,
}

pub fn municipalities(
    list: &[Municipality],
    authors: &Authorship,
    format: Format,
) -> Result<Vec<u8>, IoError> {
    let records: Vec<MunicipalityOut> = list
        .iter()
        .map(|m| {
            let (created_by, updated_by) = authors_of(authors, &RecordId::Municipality(m.ine));
            MunicipalityOut {
                created_by,
                updated_by,
                ..MunicipalityOut::from(m)
            }
        })
        .collect();
    match format {
        Format::Json => to_json(&records),
        Format::Csv => to_csv_headed(records.iter().map(|m| MunicipalityCsv {
            ine_code: &m.ine_code,
            name: &m.name,
            comarca: &m.comarca,
            population: m.population,
            population_year: m.population_year,
            contacts: serde_json::to_string(&m.contacts).unwrap_or_default(),
            notes: &m.notes,
            subscriber_form_sent_on: m.subscriber_form_sent_on,
            created_by: m.created_by.as_deref(),
            updated_by: m.updated_by.as_deref(),
        })),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOut {
    pub name: String,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolloutOut {
    pub ine_code: String,
    pub municipality: String,
    pub service: String,
    pub status: String,
    pub steps: Vec<StepOut>,
    pub notes: String,
    /// Why the service is blocked, when it is.
    pub blocked_reason: String,
    pub updated_at: Option<String>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub updated_by: Option<String>,
    /// Where a file set its status (`ocsae import rollout`): the file and line.
    #[serde(default)]
    pub source: String,
    /// The service is retired from the catalogue: its column is hidden.
    #[serde(default)]
    pub retired: bool,
}

#[derive(Serialize, Default)]
struct RolloutCsv<'a> {
    ine_code: &'a str,
    municipality: &'a str,
    service: &'a str,
    status: &'a str,
    steps: String,
    notes: &'a str,
    blocked_reason: &'a str,
    updated_at: Option<&'a str>,
    created_by: Option<&'a str>,
    updated_by: Option<&'a str>,
    source: &'a str,
    retired: bool,
}

/// RFC 3339 with the offset of the office's time zone, to the second: what a
/// person could type, and what the form and `cert add` read back.
pub fn timestamp(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// One record per council and catalogue service, pending ones included.
pub fn rollout(
    councils: &[Municipality],
    stored: &[Rollout],
    authors: &Authorship,
    tz: Tz,
    format: Format,
) -> Result<Vec<u8>, IoError> {
    let by_key: HashMap<(IneCode, &str), &Rollout> =
        stored.iter().map(|r| ((r.ine, r.service.as_str()), r)).collect();
    let mut records = Vec::with_capacity(councils.len() * services().len());
    for m in councils {
        for service in services() {
            let pending;
            let r = match by_key.get(&(m.ine, service.id.as_str())) {
                Some(r) => *r,
                None => {
                    pending = Rollout::pending(m.ine, service);
                    &pending
                }
            };
            let (created_by, updated_by) = authors_of(authors, &RecordId::Rollout(m.ine, service.id.clone()));
            records.push(RolloutOut {
                created_by,
                updated_by,
                ine_code: m.ine.to_string(),
                municipality: m.name.clone(),
                service: service.id.clone(),
                status: r.status.as_str().into(),
                steps: service
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        let mark = r.steps.get(i).and_then(|s| s.as_ref());
                        StepOut {
                            name: name.clone(),
                            done_at: mark.map(|s| timestamp(s.done_at, tz)),
                            done_by: mark.map(|s| s.done_by.clone()),
                        }
                    })
                    .collect(),
                notes: r.notes.clone(),
                blocked_reason: r.blocked_reason.clone(),
                updated_at: r.updated_at.map(|t| timestamp(t, tz)),
                source: r.source.clone(),
                retired: service.retired,
            });
        }
    }
    match format {
        Format::Json => to_json(&records),
        Format::Csv => to_csv_headed(records.iter().map(|r| RolloutCsv {
            ine_code: &r.ine_code,
            municipality: &r.municipality,
            service: &r.service,
            status: &r.status,
            steps: serde_json::to_string(&r.steps).unwrap_or_default(),
            notes: &r.notes,
            blocked_reason: &r.blocked_reason,
            updated_at: r.updated_at.as_deref(),
            created_by: r.created_by.as_deref(),
            updated_by: r.updated_by.as_deref(),
            source: &r.source,
            retired: r.retired,
        })),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateOut {
    pub id: u64,
    pub ine_code: String,
    pub municipality: String,
    pub holder: String,
    pub role: String,
    #[serde(rename = "type")]
    pub cert_type: String,
    pub operation: String,
    pub urgent: bool,
    pub reason: String,
    pub status: String,
    pub received_at: String,
    pub filed_at: Option<String>,
    pub issued_at: Option<String>,
    pub delivered_at: Option<String>,
    /// None while the request waits for its documents.
    pub due_at: Option<String>,
    pub expires_at: Option<String>,
    pub notes: String,
    /// Why it was rejected or cancelled.
    #[serde(default)]
    pub status_reason: String,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub updated_by: Option<String>,
    /// The request whose certificate this revocation revokes, and why.
    #[serde(default)]
    pub revokes_id: Option<u64>,
    #[serde(default)]
    pub revocation_reason: Option<String>,
    /// The appointment check in EACAT's register: when, by whom, found or not.
    #[serde(default)]
    pub appointment_checked_at: Option<String>,
    #[serde(default)]
    pub appointment_checked_by: Option<String>,
    #[serde(default)]
    pub appointment_found: Option<bool>,
    /// A T-CAT P downloaded by its holder.
    #[serde(default)]
    pub downloaded_at: Option<String>,
    /// The request whose certificate this one renews.
    #[serde(default)]
    pub renews_id: Option<u64>,
}

impl CertificateOut {
    pub fn from_request(
        c: &crate::domain::certificate::CertificateRequest,
        municipality: String,
        due: Option<DateTime<Utc>>,
        authors: &Authorship,
        tz: Tz,
    ) -> CertificateOut {
        let stamp = |t: Option<DateTime<Utc>>| t.map(|t| timestamp(t, tz));
        let (created_by, updated_by) = authors_of(authors, &RecordId::Certificate(c.id));
        CertificateOut {
            created_by,
            updated_by,
            id: c.id,
            ine_code: c.ine.to_string(),
            municipality,
            holder: c.holder.to_string(),
            role: c.role.as_str().into(),
            cert_type: c.cert_type.to_string(),
            operation: c.operation.as_str().into(),
            urgent: c.urgent,
            reason: c.reason().to_string(),
            status: c.status.as_str().into(),
            received_at: timestamp(c.received_at, tz),
            filed_at: stamp(c.filed_at),
            issued_at: stamp(c.issued_at),
            delivered_at: stamp(c.delivered_at),
            due_at: due.map(|d| timestamp(d, tz)),
            expires_at: stamp(c.expires_at()),
            notes: c.notes().to_string(),
            status_reason: c.status_reason().to_string(),
            revokes_id: c.revokes(),
            revocation_reason: c.revocation_reason().map(|r| r.as_str().to_string()),
            appointment_checked_at: c.appointment_check().map(|a| timestamp(a.at, tz)),
            appointment_checked_by: c.appointment_check().map(|a| a.user.clone()),
            appointment_found: c.appointment_check().map(|a| a.found),
            downloaded_at: stamp(c.downloaded_at()),
            renews_id: c.renews(),
        }
    }
}

/// One record per request, by id; due and expiry times computed.
pub fn certificates(
    councils: &[Municipality],
    list: &[crate::domain::certificate::CertificateRequest],
    authors: &Authorship,
    calendar: &crate::domain::calendar::Calendar,
    format: Format,
) -> Result<Vec<u8>, IoError> {
    let tz = calendar.tz();
    let names: HashMap<IneCode, &str> = councils.iter().map(|m| (m.ine, m.name.as_str())).collect();
    let records: Vec<CertificateOut> = list
        .iter()
        .map(|c| {
            let name = names.get(&c.ine).map_or_else(String::new, |n| n.to_string());
            CertificateOut::from_request(c, name, c.due_at(calendar), authors, tz)
        })
        .collect();
    match format {
        Format::Json => to_json(&records),
        Format::Csv => to_csv_headed(records),
    }
}

pub fn to_json<T: Serialize>(records: &T) -> Result<Vec<u8>, IoError> {
    let mut out = serde_json::to_vec_pretty(records).map_err(|e| IoError::File {
        path: "-".into(),
        detail: e.to_string(),
    })?;
    out.push(b'\n');
    Ok(out)
}

/// CSV with a UTF-8 BOM, so spreadsheets open it with its accents intact, and
/// every cell guarded against formulas (`formula::neutralise`). This is the one
/// way the program writes CSV.
pub fn to_csv<T: Serialize>(records: impl IntoIterator<Item = T>) -> Result<Vec<u8>, IoError> {
    let fail = |detail: String| IoError::File {
        path: "-".into(),
        detail,
    };
    // serde lays the cells out; reading them back sees every cell whatever the
    // record's shape, so no field, present or future, escapes the guard.
    let mut plain = csv::Writer::from_writer(Vec::new());
    for r in records {
        plain.serialize(r).map_err(|e| fail(e.to_string()))?;
    }
    let plain = plain.into_inner().map_err(|e| fail(e.to_string()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(plain.as_slice());
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| fail(e.to_string()))? {
        let cells: Vec<_> = record.iter().map(formula::neutralise).collect();
        writer
            .write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(|e| fail(e.to_string()))?;
    }
    writer.into_inner().map_err(|e| fail(e.to_string()))
}

/// `to_csv`, with its header even when there is no record: serde names the
/// columns from a record, so with none they are taken from an empty one.
pub fn to_csv_headed<T: Serialize + Default>(
    records: impl IntoIterator<Item = T>,
) -> Result<Vec<u8>, IoError> {
    let mut records = records.into_iter().peekable();
    if records.peek().is_some() {
        return to_csv(records);
    }
    let mut bytes = to_csv([T::default()])?;
    let header_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |at| at + 1);
    bytes.truncate(header_end);
    Ok(bytes)
}
