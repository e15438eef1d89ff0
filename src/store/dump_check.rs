//! A backup checked as it streams, before a restore writes anything: what ocsae
//! never writes (two records under one key, a record of a council that is not
//! there, text that could drive a terminal), the rules of the forms (given by the
//! caller), and which history entries are runs a store keeps apart. Holds the
//! keys it must compare, never the records (the support log's entries aside,
//! checked against every request at the end).

use super::dump::{DUMP_FORMAT, DUMP_VERSION, Inconsistency, RestoreError, unsafe_text};
use super::dump_reader::{DumpFrame, DumpSink};
use super::{Edit, HistoryHead, Record, StoreError};
use crate::domain::activity::Activity;
use crate::domain::municipality::IneCode;
use std::collections::{HashMap, HashSet};

/// Entries with at least this many edits that create consecutive numbered records
/// (an import) are kept as runs: written in batches, never held whole.
pub const RUN_MIN: u64 = 1_000;

/// The rules of the forms, applied to each record (an activity at the end, with
/// every council and request known). The text names the record and the field.
pub trait Rules {
    fn record(&mut self, record: &Record) -> Result<(), String>;
    fn activity(&mut self, activity: &Activity, known: &crate::ops::activity::Records) -> Result<(), String>;
}

/// What a checked backup holds, for a restore's plan and its summary.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub frame: DumpFrame,
    pub municipalities: usize,
    pub certificates: usize,
    pub activities: usize,
    pub history: usize,
    /// The history entries to keep as runs.
    pub runs: HashSet<u64>,
    /// Per comarca and per author, for the summary.
    pub tally: super::dump_tally::Tally,
}

impl Checked {
    /// The next history sequence number after restoring it.
    pub fn next_seq(&self, max_seq: Option<u64>) -> u64 {
        self.frame.next_history_seq.max(max_seq.map_or(1, |s| s + 1))
    }
}

/// Consecutive new numbered records of one kind, so far.
#[derive(Default)]
pub struct RunShape {
    pub count: u64,
    pub first: u64,
    pub last: u64,
    pub kind: Option<super::Kind>,
    pub broken: bool,
}

impl RunShape {
    pub fn add(&mut self, edit: &Edit) {
        let number = match (&edit.before, &edit.after) {
            (None, Some(r)) if r.kind().is_numbered() => r.number(),
            _ => None,
        };
        let kind = edit.after.as_ref().map(Record::kind);
        match number {
            Some(n) if self.count == 0 => (self.first, self.last, self.kind) = (n, n, kind),
            Some(n) if self.kind == kind && self.last.checked_add(1) == Some(n) => self.last = n,
            _ => self.broken = true,
        }
        self.count += 1;
    }

    pub fn is_run(&self) -> bool {
        !self.broken && self.count >= RUN_MIN
    }
}

/// Refuses a backup of a schema the store does not read (`oldest..=schema`).
pub fn check_schema(frame: &DumpFrame, schema: u32, oldest: u32) -> Result<(), RestoreError> {
    match (oldest..=schema).contains(&frame.schema_version) {
        true => Ok(()),
        false => Err(RestoreError::Schema(frame.schema_version, schema, oldest)),
    }
}

pub struct Checker<'a> {
    rules: Option<&'a mut dyn Rules>,
    councils: HashSet<IneCode>,
    requests: HashMap<u64, IneCode>,
    rollout: Vec<IneCode>,
    activity_ids: HashSet<u64>,
    activities: Vec<Activity>,
    inconsistency: Option<Inconsistency>,
    broken_rule: Option<String>,
    checked: Checked,
    entry: Option<(u64, RunShape)>,
    max_seq: u64,
}

impl<'a> Checker<'a> {
    pub fn new(rules: Option<&'a mut dyn Rules>) -> Self {
        Checker {
            rules,
            councils: HashSet::new(),
            requests: HashMap::new(),
            rollout: Vec::new(),
            activity_ids: HashSet::new(),
            activities: Vec::new(),
            inconsistency: None,
            broken_rule: None,
            checked: Checked::default(),
            entry: None,
            max_seq: 0,
        }
    }

    fn found(&mut self, what: Inconsistency) {
        self.inconsistency.get_or_insert(what);
    }

    /// The verdict once the whole file is read, in the order a restore always gave
    /// them: the format, its version, the schema (`oldest..=schema`, if the
    /// store is known), what ocsae
    /// never writes, then the forms' rules.
    pub fn finish(mut self, frame: DumpFrame, schemas: Option<(u32, u32)>) -> Result<Checked, RestoreError> {
        if frame.format != DUMP_FORMAT {
            return Err(RestoreError::NotABackup);
        }
        if frame.format_version > DUMP_VERSION {
            return Err(RestoreError::NewerFormat(frame.format_version));
        }
        if let Some((schema, oldest)) = schemas {
            check_schema(&frame, schema, oldest)?;
        }
        // References are checked once every council is known, whatever the order.
        let unknown = self
            .requests
            .iter()
            .filter(|(_, ine)| !self.councils.contains(ine))
            .map(|(&id, &ine)| (id, ine))
            .min();
        if let Some((id, ine)) = unknown {
            self.found(Inconsistency::RequestCouncil { id, ine });
        }
        if let Some(&ine) = self.rollout.iter().find(|ine| !self.councils.contains(ine)) {
            self.found(Inconsistency::RolloutCouncil(ine));
        }
        for a in &self.activities {
            if let Some(ine) = a
                .council_codes()
                .into_iter()
                .find(|ine| !self.councils.contains(ine))
            {
                self.inconsistency
                    .get_or_insert(Inconsistency::ActivityCouncil { id: a.id, ine });
            }
        }
        if let Some(days) = &frame.local_holidays
            && let Ok(value) = serde_json::to_value(days)
            && let Some(path) = unsafe_text(&value, ".local_holidays")
        {
            self.found(Inconsistency::UnsafeText(path));
        }
        if let Some(offices) = &frame.operator_offices
            && let Ok(value) = serde_json::to_value(offices)
            && let Some(path) = unsafe_text(&value, ".operator_offices")
        {
            self.found(Inconsistency::UnsafeText(path));
        }
        if let Some(what) = office_lists(&frame, &self.checked.tally) {
            self.found(what);
        }
        let numbers = [
            ("next_certificate_id", frame.next_certificate_id),
            ("next_activity_id", frame.next_activity_id),
            ("next_history_seq", frame.next_history_seq),
            (
                "certificates[].id",
                self.requests.keys().max().copied().unwrap_or(0),
            ),
            (
                "activities[].id",
                self.activity_ids.iter().max().copied().unwrap_or(0),
            ),
            ("history[].seq", self.max_seq),
        ];
        if let Some((field, value)) = numbers.into_iter().find(|(_, n)| *n >= super::dump::MAX_NUMBER) {
            self.found(Inconsistency::TooLarge { field, value });
        }
        if let Some(what) = self.inconsistency {
            return Err(RestoreError::Inconsistent(what));
        }
        if self.broken_rule.is_none()
            && let Some(rules) = self.rules.as_mut()
        {
            let known = crate::ops::activity::Records {
                councils: std::mem::take(&mut self.councils),
                requests: std::mem::take(&mut self.requests),
            };
            for a in &self.activities {
                if let Err(text) = rules.activity(a, &known) {
                    self.broken_rule = Some(text);
                    break;
                }
            }
        }
        if let Some(text) = self.broken_rule {
            return Err(RestoreError::Rule(text));
        }
        self.checked.frame = frame;
        Ok(self.checked)
    }
}

/// What ocsae never writes in the lists of an office's settings: an ER operator's
/// office listed twice (a restore would fail midway on it), or a comarca of
/// none of the backup's councils (its holidays and offices would belong to no
/// one a restore brings).
fn office_lists(frame: &DumpFrame, tally: &super::dump_tally::Tally) -> Option<Inconsistency> {
    let comarques: HashSet<&str> = tally.comarques().values().map(String::as_str).collect();
    let mut seen = HashSet::new();
    for office in frame.operator_offices.iter().flatten() {
        if !seen.insert((office.name.as_str(), office.comarca.as_str())) {
            return Some(Inconsistency::DuplicateOperatorOffice {
                name: office.name.clone(),
                comarca: office.comarca.clone(),
            });
        }
    }
    let listed = [
        (
            "operator_offices",
            frame
                .operator_offices
                .iter()
                .flatten()
                .map(|o| &o.comarca)
                .collect::<Vec<_>>(),
        ),
        (
            "local_holidays",
            frame
                .local_holidays
                .iter()
                .flatten()
                .map(|d| &d.comarca)
                .collect(),
        ),
    ];
    listed.into_iter().find_map(|(field, names)| {
        names
            .into_iter()
            .find(|c| !comarques.contains(c.as_str()))
            .map(|c| Inconsistency::UnknownComarca {
                field,
                comarca: c.clone(),
            })
    })
}

impl DumpSink for Checker<'_> {
    fn record(&mut self, index: usize, record: Record) -> Result<(), StoreError> {
        if self.inconsistency.is_some() {
            return Ok(());
        }
        self.checked.tally.record(&record);
        let section = match &record {
            Record::Municipality(m) => {
                self.checked.municipalities += 1;
                if !self.councils.insert(m.ine) {
                    self.found(Inconsistency::DuplicateCouncil(m.ine));
                }
                "municipalities"
            }
            Record::Rollout(r) => {
                self.rollout.push(r.ine);
                "rollout"
            }
            Record::Certificate(c) => {
                self.checked.certificates += 1;
                if self.requests.insert(c.id, c.ine).is_some() {
                    self.found(Inconsistency::DuplicateRequest(c.id));
                }
                "certificates"
            }
            Record::Activity(a) => {
                self.checked.activities += 1;
                if !self.activity_ids.insert(a.id) {
                    self.found(Inconsistency::DuplicateActivity(a.id));
                }
                self.activities.push(a.clone());
                "activities"
            }
            Record::Operator(_) => "operators",
            Record::Service(_) => "services",
        };
        let value = match &record {
            Record::Municipality(m) => serde_json::to_value(m),
            Record::Rollout(r) => serde_json::to_value(r),
            Record::Certificate(c) => serde_json::to_value(c),
            Record::Activity(a) => serde_json::to_value(a),
            Record::Operator(o) => serde_json::to_value(o),
            Record::Service(s) => serde_json::to_value(s),
        }
        .map_err(|e| StoreError::Codec(e.to_string()))?;
        if let Some(path) = unsafe_text(&value, &format!(".{section}[{index}]")) {
            self.found(Inconsistency::UnsafeText(path));
        }
        if self.broken_rule.is_none()
            && !matches!(record, Record::Activity(_))
            && let Some(rules) = self.rules.as_mut()
            && let Err(text) = rules.record(&record)
        {
            self.broken_rule = Some(text);
        }
        Ok(())
    }

    fn entry_start(&mut self, seq: u64, head: HistoryHead) -> Result<(), StoreError> {
        self.checked.tally.entry(&head.user);
        self.max_seq = self.max_seq.max(seq);
        self.entry = Some((seq, RunShape::default()));
        Ok(())
    }

    fn edit(&mut self, edit: Edit) -> Result<(), StoreError> {
        if let Some((_, shape)) = self.entry.as_mut() {
            shape.add(&edit);
        }
        Ok(())
    }

    fn entry_end(&mut self) -> Result<(), StoreError> {
        if let Some((seq, shape)) = self.entry.take() {
            self.checked.history += 1;
            if shape.is_run() {
                self.checked.runs.insert(seq);
            }
        }
        Ok(())
    }
}
