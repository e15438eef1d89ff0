//! Imports: all or nothing, in two passes over the file, each reading it a row at a
//! time and keeping nothing of it. The first checks every row without the store
//! (encoding, header, every field, every time, the limits), so a file that cannot
//! be imported never locks it; the second, under the store's lock, reads the rows
//! again, checks each again, finds its council and gives the store the edits in
//! batches, as one change in the store's history. A store that must know an
//! import's size before its first edit (a shared one) gets a pass more: the
//! second then only plans, and the third writes. A file whose bytes changed
//! between the passes is refused, and nothing of it is kept.

use super::contact_rows::contact_rows;
use super::csv_input::{CsvFile, CsvRow, CsvTable, Header};
pub(crate) use super::import_commit::{Sink, commit, commit_edits};
use super::{IoError, Problem};
use crate::domain::certificate::{CertStatus, CertificateRequest};
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::text::clean;
use crate::ops::import::{RowError, certificate_edit, contact_edits, validate_request};
use crate::ops::{Field, RuleError};
use crate::store::{ChangeKind, Record, Store};
use chrono::{DateTime, Utc};
use std::cell::Cell;
use std::collections::BTreeMap;

const HOLDER_ROLES: &[&str] = &["mayor", "secretary", "intervenor", "treasurer", "other"];

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub rows: usize,
    pub records: usize,
    /// The file was read as Windows-1252.
    pub was_latin: bool,
    /// Cells from which control, bidi or invisible characters were removed.
    pub cleaned: usize,
    /// What the certificate requests it created add to each council's figures.
    pub created: BTreeMap<IneCode, Created>,
}

/// A council's new open requests, gathered as they go by rather than kept: how
/// many, and the earliest receipt of those with a deadline, normal and urgent (a
/// deadline only grows with the receipt, so these give the earliest deadline).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Created {
    pub open: usize,
    pub earliest: [Option<DateTime<Utc>>; 2],
}

impl Created {
    fn add(&mut self, c: &CertificateRequest) {
        if !c.status.is_open() {
            return;
        }
        self.open += 1;
        if c.status != CertStatus::AwaitingDocuments {
            let slot = &mut self.earliest[usize::from(c.urgent)];
            if slot.is_none_or(|t| c.received_at < t) {
                *slot = Some(c.received_at);
            }
        }
    }
}

/// Untrusted text without the characters that could drive a terminal, counting the cells cleaned.
pub(crate) fn scrub(text: &str, cleaned: &std::cell::Cell<usize>) -> String {
    let out = clean(text);
    if matches!(out, std::borrow::Cow::Owned(_)) {
        cleaned.set(cleaned.get() + 1);
    }
    out.trim().to_string()
}

/// What an import makes: contacts of councils, certificate requests, or the support log's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Contacts,
    Certificates,
    Activity,
}

/// Rows, read afresh for each pass of an import.
pub trait Source {
    /// The header and the rows, from the first.
    fn rows(&mut self) -> Result<(Header, Rows<'_>), IoError>;
    /// True if the text was decoded from Windows-1252.
    fn was_latin(&self) -> bool;
    /// The file read, for the refusal of one whose rows differ from one pass to the next.
    fn path(&self) -> std::path::PathBuf;
}

pub type Rows<'a> = Box<dyn Iterator<Item = Result<CsvRow, IoError>> + 'a>;

impl Source for CsvFile {
    fn rows(&mut self) -> Result<(Header, Rows<'_>), IoError> {
        let reader = CsvFile::rows(self)?;
        let header = reader.header.clone();
        Ok((header, Box::new(reader)))
    }

    fn was_latin(&self) -> bool {
        CsvFile::was_latin(self)
    }

    fn path(&self) -> std::path::PathBuf {
        CsvFile::path(self).to_path_buf()
    }
}

impl Source for &CsvTable {
    fn rows(&mut self) -> Result<(Header, Rows<'_>), IoError> {
        Ok((self.header(), Box::new(self.rows.iter().cloned().map(Ok))))
    }

    fn was_latin(&self) -> bool {
        self.was_latin
    }

    /// No path: held in memory, it cannot change between passes.
    fn path(&self) -> std::path::PathBuf {
        std::path::PathBuf::new()
    }
}

/// What the file held, for the command's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub rows: usize,
    pub was_latin: bool,
    pub cleaned: usize,
}

/// The first pass: every row checked as it is read, with everything but whether
/// its council exists; nothing kept but counts.
pub fn check(
    what: What,
    source: &mut dyn Source,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Tally, IoError> {
    let was_latin = source.was_latin();
    let (header, rows) = source.rows()?;
    let cleaned = Cell::new(0);
    let mut count = 0;
    match what {
        What::Contacts => {
            for row in contact_rows(&header, rows, &cleaned)? {
                row?;
                count += 1;
            }
        }
        What::Certificates => {
            for row in certificate_rows(&header, rows, tz, now, &cleaned)? {
                row?;
                count += 1;
            }
        }
        What::Activity => {
            for row in super::activity_import::rows(&header, rows, tz, now, &cleaned)? {
                row?;
                count += 1;
            }
        }
    }
    Ok(Tally {
        rows: count,
        was_latin,
        cleaned: cleaned.get(),
    })
}

/// `ine_code,role,name,phone,email`: adds or replaces the contact with that role and name.
pub fn contacts_from(store: &dyn Store, table: &CsvTable, at: DateTime<Utc>) -> Result<Imported, IoError> {
    let tz = chrono_tz::Europe::Madrid;
    check(What::Contacts, &mut &*table, tz, at)?;
    apply(store, What::Contacts, &mut &*table, tz, at, at)
}

/// The second pass, under the store's lock: the rows read and checked again, each
/// with its council, given to the store in batches as one change.
pub fn apply(
    store: &dyn Store,
    what: What,
    source: &mut dyn Source,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<Imported, IoError> {
    let councils: BTreeMap<IneCode, Municipality> = store
        .municipalities()
        .map_err(IoError::Store)?
        .into_iter()
        .map(|m| (m.ine, m))
        .collect();
    let unknown = |e: RowError| IoError::Line {
        line: e.line,
        problem: match e.error {
            RuleError::UnknownCouncil(ine) => Problem::UnknownCouncil(ine.to_string()),
            other => Problem::Unreadable(format!("{other:?}")),
        },
    };
    let was_latin = source.was_latin();
    let path = source.path();
    let changed = || IoError::Changed { path: path.clone() };
    let cleaned = Cell::new(0);
    let count = Cell::new(0);
    let (records, created) = match what {
        What::Contacts => {
            let (header, rows) = source.rows()?;
            // Merged per council as they come: what is kept is one copy per council.
            let mut failure = None;
            let rows = contact_rows(&header, counted(rows, &count), &cleaned)?
                .map_while(|row| row.map_err(|e| failure = Some(e)).ok());
            let edits = contact_edits(&councils, rows);
            if let Some(e) = failure {
                return Err(e);
            }
            let edits = edits.map_err(unknown)?;
            let (records, _) = commit_edits(store, ChangeKind::ImportContacts, edits, at)?;
            (records, BTreeMap::new())
        }
        What::Certificates => {
            let mut created: BTreeMap<IneCode, Created> = BTreeMap::new();
            // A revocation's link is checked against the requests it names, row by row.
            let linked = {
                let (header, _) = source.rows()?;
                ["revokes_id", "revocation_reason", "renews_id"]
                    .iter()
                    .any(|c| header.column(c).is_some())
            };
            let links = super::revocation_input::Links::new(store, linked)?;
            // Each pass from the start, as if it were the only one: what it counts is the last's.
            let mut pass = |sink: Sink<'_>| -> Result<(), IoError> {
                count.set(0);
                cleaned.set(0);
                created.clear();
                let mut links = links.clone();
                let (header, rows) = source.rows()?;
                for row in certificate_rows(&header, counted(rows, &count), tz, now, &cleaned)? {
                    let (line, mut request) = row?;
                    links.check(line, &mut request)?;
                    let edit = certificate_edit(&councils, line, request).map_err(unknown)?;
                    if let Some(Record::Certificate(c)) = &edit.after {
                        created.entry(c.ine).or_default().add(c);
                    }
                    sink(edit)?;
                }
                Ok(())
            };
            let (records, _) = commit(store, ChangeKind::ImportCertificates, &mut pass, &changed, at)?;
            (records, created)
        }
        What::Activity => {
            let mut pass = |sink: Sink<'_>| -> Result<(), IoError> {
                count.set(0);
                cleaned.set(0);
                let (header, rows) = source.rows()?;
                let rows = super::activity_import::rows(&header, counted(rows, &count), tz, now, &cleaned)?;
                super::activity_import::edits(store, &councils, rows, now, sink)
            };
            let (records, _) = commit(store, ChangeKind::ImportActivities, &mut pass, &changed, at)?;
            (records, BTreeMap::new())
        }
    };
    let tally = Tally {
        rows: count.get(),
        was_latin,
        cleaned: cleaned.get(),
    };
    Ok(Imported::new(tally, records, created))
}

/// The rows, each one read counted.
fn counted<'a>(rows: Rows<'a>, count: &'a Cell<usize>) -> Rows<'a> {
    Box::new(rows.inspect(move |row| {
        if row.is_ok() {
            count.set(count.get() + 1);
        }
    }))
}

/// Reads a yes/no cell as spreadsheets write it.
fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "sí" | "si" | "s" | "x" | "urgent" | "urgente" => Some(true),
        "0" | "false" | "no" | "n" | "" | "ordinary" | "ordinari" | "ordinaria" | "ordinària" => Some(false),
        _ => None,
    }
}

/// `ine_code,holder,role,type,operation,urgent,status,received_at,issued_at` (plus optional
/// `reason`, `notes`, `filed_at`, `delivered_at`): every row becomes a new request.
pub fn certificates_from(
    store: &dyn Store,
    table: &CsvTable,
    tz: chrono_tz::Tz,
    at: DateTime<Utc>,
) -> Result<Imported, IoError> {
    check(What::Certificates, &mut &*table, tz, at)?;
    apply(store, What::Certificates, &mut &*table, tz, at, at)
}

/// The columns of a certificates file.
#[derive(Clone, Copy)]
struct CertColumns {
    ine_c: usize,
    holder_c: usize,
    role_c: usize,
    type_c: usize,
    op_c: usize,
    urgent_c: usize,
    status_c: usize,
    received_c: usize,
    issued_c: usize,
    reason_c: Option<usize>,
    notes_c: Option<usize>,
    filed_c: Option<usize>,
    delivered_c: Option<usize>,
    status_reason_c: Option<usize>,
    revokes_c: Option<usize>,
    revocation_reason_c: Option<usize>,
    downloaded_c: Option<usize>,
    renews_c: Option<usize>,
}

/// The rows of a certificates file, each checked as it is read: every rule a request
/// obeys (the same as the form's and `cert add`'s, no time after `now`), but whether
/// its council exists.
fn certificate_rows<'a>(
    header: &Header,
    rows: Rows<'a>,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    cleaned: &'a Cell<usize>,
) -> Result<impl Iterator<Item = Result<(u64, CertificateRequest), IoError>> + 'a, IoError> {
    let [
        ine_c,
        holder_c,
        role_c,
        type_c,
        op_c,
        urgent_c,
        status_c,
        received_c,
        issued_c,
    ] = header.columns([
        "ine_code",
        "holder",
        "role",
        "type",
        "operation",
        "urgent",
        "status",
        "received_at",
        "issued_at",
    ])?;
    let [reason_c, notes_c, filed_c, delivered_c, status_reason_c] =
        ["reason", "notes", "filed_at", "delivered_at", "status_reason"].map(|c| header.column(c));
    let [revokes_c, revocation_reason_c, downloaded_c, renews_c] =
        ["revokes_id", "revocation_reason", "downloaded_at", "renews_id"].map(|c| header.column(c));
    let columns = CertColumns {
        renews_c,
        revokes_c,
        revocation_reason_c,
        downloaded_c,
        ine_c,
        holder_c,
        role_c,
        type_c,
        op_c,
        urgent_c,
        status_c,
        received_c,
        issued_c,
        reason_c,
        notes_c,
        filed_c,
        delivered_c,
        status_reason_c,
    };
    Ok(rows.map(move |row| certificate_row(&row?, columns, tz, now, cleaned)))
}

fn certificate_row(
    row: &CsvRow,
    columns: CertColumns,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    cleaned: &Cell<usize>,
) -> Result<(u64, CertificateRequest), IoError> {
    use crate::domain::catalog::cert_type;
    use crate::domain::certificate::{CertStatus, HolderRole, Operation};
    use crate::domain::localtime::{TimeError, parse_time};
    let CertColumns {
        ine_c,
        holder_c,
        role_c,
        type_c,
        op_c,
        urgent_c,
        status_c,
        received_c,
        issued_c,
        reason_c,
        notes_c,
        filed_c,
        delivered_c,
        status_reason_c,
        revokes_c,
        revocation_reason_c,
        downloaded_c,
        renews_c,
    } = columns;
    let ine_text = row.required(ine_c, "ine_code")?;
    let ine = IneCode::parse(ine_text).ok_or_else(|| row.error(Problem::UnknownCouncil(ine_text.into())))?;
    let holder = scrub(row.required(holder_c, "holder")?, cleaned);
    let role_text = row.required(role_c, "role")?;
    let role = HolderRole::parse(role_text)
        .ok_or_else(|| row.error(Problem::UnknownRole(role_text.into(), HOLDER_ROLES)))?;
    let type_text = row.required(type_c, "type")?;
    let ty = cert_type(type_text).ok_or_else(|| row.error(Problem::UnknownType(type_text.into())))?;
    let op_text = row.get(op_c, "operation")?;
    let operation = if op_text.is_empty() {
        Operation::New
    } else {
        Operation::parse(op_text).ok_or_else(|| {
            row.error(Problem::UnknownValue {
                field: "operation",
                value: op_text.into(),
            })
        })?
    };
    let urgent_text = row.get(urgent_c, "urgent")?;
    let urgent = parse_bool(urgent_text).ok_or_else(|| {
        row.error(Problem::UnknownValue {
            field: "urgent",
            value: urgent_text.into(),
        })
    })?;
    let status_text = row.required(status_c, "status")?;
    let status = CertStatus::parse(status_text).ok_or_else(|| {
        row.error(Problem::UnknownValue {
            field: "status",
            value: status_text.into(),
        })
    })?;
    let time = |index: Option<usize>, field: &'static str| -> Result<Option<DateTime<Utc>>, IoError> {
        let Some(index) = index else {
            return Ok(None);
        };
        let text = row.get(index, field)?;
        if text.is_empty() {
            return Ok(None);
        }
        let value = text.into();
        parse_time(text, tz).map(Some).map_err(|e| {
            row.error(match e {
                TimeError::Unreadable => Problem::BadDate { field, value },
                TimeError::Skipped => Problem::NoSuchHour {
                    field,
                    value,
                    tz: tz.name().to_string(),
                },
            })
        })
    };
    let received_at = time(Some(received_c), "received_at")?
        .ok_or_else(|| row.error(Problem::EmptyField("received_at")))?;
    let issued_at = time(Some(issued_c), "issued_at")?;
    if status.is_issued() && issued_at.is_none() {
        return Err(row.error(Problem::EmptyField("issued_at")));
    }
    let text_of = |c: Option<usize>, field| -> Result<String, IoError> {
        Ok(c.map(|c| row.get(c, field))
            .transpose()?
            .map(|t| scrub(t, cleaned))
            .unwrap_or_default())
    };
    // Checked in the same order as ever: a row's first bad field is the one named.
    let reason = text_of(reason_c, "reason")?;
    let request = CertificateRequest {
        id: 0,
        ine,
        holder: holder.into(),
        role,
        cert_type: ty.code.as_str().into(),
        operation,
        urgent,
        status,
        received_at,
        filed_at: time(filed_c, "filed_at")?,
        issued_at,
        delivered_at: time(delivered_c, "delivered_at")?,
        appointment_attached: false,
        delivery_sheet_signed: status == CertStatus::Delivered,
        extra: crate::domain::certificate::Extra {
            reason: reason.into(),
            notes: text_of(notes_c, "notes")?.into(),
            status_reason: text_of(status_reason_c, "status_reason")?.into(),
            renews: super::revocation_input::renews(row, renews_c)?,
            revokes: super::revocation_input::revokes(row, revokes_c)?,
            revocation_reason: super::revocation_input::reason(row, revocation_reason_c)?,
            downloaded_at: time(downloaded_c, "downloaded_at")?,
            ..Default::default()
        }
        .into(),
    };
    // A T-CAT P delivered long ago, without its download: a historical delivery,
    // counted downloaded (at delivery), not shown lost.
    let mut request = request;
    if let Some(crate::domain::tcat_p::Clock::LostNotDownloaded { .. }) =
        crate::domain::tcat_p::clock(&request, now, tz)
    {
        request.set_downloaded_at(request.delivered_at);
    }
    validate_request(&request, now).map_err(|rule| {
        row.error(match rule {
            RuleError::TooLong { field, max } => Problem::TooLong {
                field: field.name(),
                max,
            },
            RuleError::UrgentWithoutReason => Problem::UrgentWithoutReason(role_text.into()),
            RuleError::InFuture(field) => {
                let column = match field {
                    Field::FiledAt => filed_c,
                    Field::IssuedAt => Some(issued_c),
                    Field::DeliveredAt => delivered_c,
                    _ => Some(received_c),
                };
                Problem::InFuture {
                    field: field.name(),
                    value: column
                        .and_then(|c| row.get(c, "").ok())
                        .unwrap_or_default()
                        .to_string(),
                }
            }
            RuleError::IssuedBeforeReceived => Problem::IssuedBeforeReceived,
            other => Problem::EmptyField(other.field().unwrap_or(Field::Holder).name()),
        })
    })?;
    Ok((row.line, request))
}

impl Imported {
    pub(crate) fn new(tally: Tally, records: usize, created: BTreeMap<IneCode, Created>) -> Imported {
        Imported {
            rows: tally.rows,
            records,
            was_latin: tally.was_latin,
            cleaned: tally.cleaned,
            created,
        }
    }
}
