//! How each kind of record is kept: its table, its key columns, the key as the
//! history writes it, and the record as JSON. A new kind adds its arms here and
//! its table in a migration.

use super::Statements;
use crate::domain::municipality::IneCode;
use crate::store::{Kind, Record, RecordId};
use postgres::GenericClient;
use postgres::types::Json;

/// The kind's table.
pub(super) fn table(kind: Kind) -> &'static str {
    match kind {
        Kind::Municipality => "ocsae.municipality",
        Kind::Rollout => "ocsae.rollout",
        Kind::Certificate => "ocsae.certificate",
        Kind::Activity => "ocsae.activity",
        Kind::Operator => "ocsae.operator",
        Kind::Service => "ocsae.catalogue",
    }
}

/// The sequence a numbered kind's new records take their ids from (never reused,
/// even after an undo).
pub(super) fn sequence(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Certificate => Some("ocsae.certificate_id"),
        Kind::Activity => Some("ocsae.activity_id"),
        Kind::Municipality | Kind::Rollout | Kind::Operator | Kind::Service => None,
    }
}

/// The kind's name in `history_edit.kind`. Stored: never rename.
pub(super) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Municipality => "municipality",
        Kind::Rollout => "rollout",
        Kind::Certificate => "certificate",
        Kind::Activity => "activity",
        Kind::Operator => "operator",
        Kind::Service => "service",
    }
}

pub(super) fn kind_named(name: &str) -> Option<Kind> {
    Kind::ALL.into_iter().find(|&k| kind_name(k) == name)
}

/// A record's key as `history_edit.key` holds it: `252228`, `252228/e-notum`, `12`.
pub(super) fn key_text(id: &RecordId) -> String {
    match id {
        RecordId::Municipality(ine) => ine.0.to_string(),
        RecordId::Rollout(ine, service) => format!("{}/{service}", ine.0),
        RecordId::Certificate(id) | RecordId::Activity(id) => id.to_string(),
        RecordId::Operator(key) | RecordId::Service(key) => key.clone(),
    }
}

/// The identity `key_text` wrote.
pub(super) fn id_of(kind: Kind, key: &str) -> Option<RecordId> {
    match kind {
        Kind::Municipality => key.parse().ok().map(|n| RecordId::Municipality(IneCode(n))),
        Kind::Rollout => {
            let (ine, service) = key.split_once('/')?;
            Some(RecordId::Rollout(IneCode(ine.parse().ok()?), service.to_string()))
        }
        Kind::Certificate => key.parse().ok().map(RecordId::Certificate),
        Kind::Activity => key.parse().ok().map(RecordId::Activity),
        Kind::Operator => Some(RecordId::Operator(key.to_string())),
        Kind::Service => Some(RecordId::Service(key.to_string())),
    }
}

/// The record alone (not the kind around it), as the table's `record` column holds it.
pub(super) fn to_json(record: &Record) -> String {
    let json = match record {
        Record::Municipality(m) => serde_json::to_string(m),
        Record::Rollout(r) => serde_json::to_string(r),
        Record::Certificate(c) => serde_json::to_string(c),
        Record::Activity(a) => serde_json::to_string(a),
        Record::Operator(o) => serde_json::to_string(o),
        Record::Service(x) => serde_json::to_string(x),
    };
    // Plain structs of strings, numbers and dates: serde_json cannot fail on them.
    json.unwrap_or_default()
}

/// A `jsonb` column read as a record of `kind`.
pub(super) fn from_row(kind: Kind, row: &postgres::Row, column: usize) -> Result<Option<Record>, String> {
    fn get<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        row: &postgres::Row,
        column: usize,
    ) -> Result<Option<T>, String> {
        row.try_get::<_, Option<Json<T>>>(column)
            .map(|v| v.map(|Json(t)| t))
            .map_err(|e| {
                format!(
                    "{e}: {}",
                    std::error::Error::source(&e)
                        .map(|s| s.to_string())
                        .unwrap_or_default()
                )
            })
    }
    Ok(match kind {
        Kind::Municipality => get(row, column)?.map(Record::Municipality),
        Kind::Rollout => get(row, column)?.map(Record::Rollout),
        Kind::Certificate => get(row, column)?.map(Record::Certificate),
        Kind::Activity => get(row, column)?.map(Record::Activity),
        Kind::Operator => get(row, column)?.map(Record::Operator),
        Kind::Service => get(row, column)?.map(Record::Service),
    })
}

/// The council a record belongs to, for its comarca: a training's first council
/// (an office trains its own councils).
pub(super) fn ine_of(record: &Record) -> IneCode {
    match record {
        Record::Municipality(m) => m.ine,
        Record::Rollout(r) => r.ine,
        Record::Certificate(c) => c.ine,
        Record::Activity(a) => a
            .ine
            .or_else(|| a.councils.first().map(|c| c.ine))
            .unwrap_or(IneCode(0)),
        // The office's and the AOC's: no council (see `Role::comarca_of`).
        Record::Operator(_) | Record::Service(_) => IneCode(0),
    }
}

/// The keys of one kind's records, split into the columns the queries take.
#[derive(Default)]
struct Columns {
    ine: Vec<i32>,
    service: Vec<String>,
    id: Vec<i64>,
    /// An operator's name or a service's id.
    key: Vec<String>,
}

impl Columns {
    fn of<'a>(ids: impl IntoIterator<Item = &'a RecordId>) -> Columns {
        let mut out = Columns::default();
        for id in ids {
            match id {
                RecordId::Municipality(ine) => out.ine.push(ine.0 as i32),
                RecordId::Rollout(ine, service) => {
                    out.ine.push(ine.0 as i32);
                    out.service.push(service.clone());
                }
                RecordId::Certificate(id) | RecordId::Activity(id) => out.id.push(*id as i64),
                RecordId::Operator(key) | RecordId::Service(key) => out.key.push(key.clone()),
            }
        }
        out
    }
}

type Rows = Result<Vec<postgres::Row>, postgres::Error>;

/// The stored records with these ids (all of one kind), locked until the
/// transaction ends: each row's record, and its JSON as stored (an edit's
/// `before` says it as is, which the server checks).
pub(super) fn lock_current(
    tx: &mut impl GenericClient,
    st: &mut Statements,
    kind: Kind,
    ids: &[RecordId],
    office: &str,
) -> Rows {
    let k = Columns::of(ids);
    match kind {
        Kind::Municipality => {
            let sql = st.get(
                tx,
                "SELECT record, record::text FROM ocsae.municipality WHERE ine = ANY($1) FOR UPDATE",
            )?;
            tx.query(&sql, &[&k.ine])
        }
        Kind::Rollout => {
            let sql = st.get(
                tx,
                "SELECT r.record, r.record::text FROM ocsae.rollout r \
                 JOIN unnest($1::int[], $2::text[]) AS k(ine, service) ON r.ine = k.ine AND r.service = k.service \
                 FOR UPDATE OF r",
            )?;
            tx.query(&sql, &[&k.ine, &k.service])
        }
        Kind::Certificate => {
            let sql = st.get(
                tx,
                "SELECT record, record::text FROM ocsae.certificate WHERE id = ANY($1) FOR UPDATE",
            )?;
            tx.query(&sql, &[&k.id])
        }
        Kind::Activity => {
            let sql = st.get(
                tx,
                "SELECT record, record::text FROM ocsae.activity WHERE id = ANY($1) FOR UPDATE",
            )?;
            tx.query(&sql, &[&k.id])
        }
        Kind::Operator => {
            let sql = st.get(
                tx,
                "SELECT record, record::text FROM ocsae.operator WHERE comarca = $2 AND key = ANY($1) FOR UPDATE",
            )?;
            tx.query(&sql, &[&k.key, &office])
        }
        Kind::Service => {
            let sql = st.get(
                tx,
                "SELECT record, record::text FROM ocsae.catalogue WHERE key = ANY($1) FOR UPDATE",
            )?;
            tx.query(&sql, &[&k.key])
        }
    }
}

/// Writes records of one kind (with their comarca), replacing those with the same key.
pub(super) fn upsert(
    tx: &mut impl GenericClient,
    st: &mut Statements,
    kind: Kind,
    rows: &[(&Record, &str)],
) -> Result<u64, postgres::Error> {
    let k = Columns::of(&rows.iter().map(|(r, _)| r.id()).collect::<Vec<_>>());
    let comarca: Vec<&str> = rows.iter().map(|(_, c)| *c).collect();
    let json: Vec<String> = rows.iter().map(|(r, _)| to_json(r)).collect();
    match kind {
        Kind::Municipality => {
            let sql = st.get(
                tx,
                "INSERT INTO ocsae.municipality (ine, comarca, record) \
                 SELECT k, c, r::jsonb FROM unnest($1::int[], $2::text[], $3::text[]) AS u(k, c, r) \
                 ON CONFLICT (ine) DO UPDATE SET comarca = EXCLUDED.comarca, record = EXCLUDED.record",
            )?;
            tx.execute(&sql, &[&k.ine, &comarca, &json])
        }
        Kind::Rollout => {
            let sql = st.get(
                tx,
                "INSERT INTO ocsae.rollout (ine, service, comarca, record) \
                 SELECT k, s, c, r::jsonb FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS u(k, s, c, r) \
                 ON CONFLICT (ine, service) DO UPDATE SET comarca = EXCLUDED.comarca, record = EXCLUDED.record",
            )?;
            tx.execute(&sql, &[&k.ine, &k.service, &comarca, &json])
        }
        Kind::Certificate => {
            let ines: Vec<i32> = rows.iter().map(|(r, _)| ine_of(r).0 as i32).collect();
            let sql = st.get(
                tx,
                "INSERT INTO ocsae.certificate (id, ine, comarca, record) \
                 SELECT k, i, c, r::jsonb FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[]) AS u(k, i, c, r) \
                 ON CONFLICT (id) DO UPDATE SET ine = EXCLUDED.ine, comarca = EXCLUDED.comarca, record = EXCLUDED.record",
            )?;
            tx.execute(&sql, &[&k.id, &ines, &comarca, &json])
        }
        Kind::Activity => {
            // The council column is null for a training of several councils.
            let ines: Vec<Option<i32>> = rows
                .iter()
                .map(|(r, _)| match r {
                    Record::Activity(a) => a.ine.map(|i| i.0 as i32),
                    _ => None,
                })
                .collect();
            let sql = st.get(
                tx,
                "INSERT INTO ocsae.activity (id, ine, comarca, record) \
                 SELECT k, i, c, r::jsonb FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[]) AS u(k, i, c, r) \
                 ON CONFLICT (id) DO UPDATE SET ine = EXCLUDED.ine, comarca = EXCLUDED.comarca, record = EXCLUDED.record",
            )?;
            tx.execute(&sql, &[&k.id, &ines, &comarca, &json])
        }
        Kind::Operator => {
            let sql = st.get(
                tx,
                "INSERT INTO ocsae.operator (key, comarca, record) \
                 SELECT k, c, r::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS u(k, c, r) \
                 ON CONFLICT (comarca, key) DO UPDATE SET record = EXCLUDED.record",
            )?;
            tx.execute(&sql, &[&k.key, &comarca, &json])
        }
        Kind::Service => {
            let sql = st.get(
                tx,
                "INSERT INTO ocsae.catalogue (key, comarca, record) \
                 SELECT k, c, r::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS u(k, c, r) \
                 ON CONFLICT (key) DO UPDATE SET comarca = EXCLUDED.comarca, record = EXCLUDED.record",
            )?;
            tx.execute(&sql, &[&k.key, &comarca, &json])
        }
    }
}

/// Removes the records with these ids (all of one kind); ER operators of the
/// user's office (two offices may name one alike).
pub(super) fn delete(
    tx: &mut impl GenericClient,
    kind: Kind,
    ids: &[RecordId],
    office: &str,
) -> Result<u64, postgres::Error> {
    let k = Columns::of(ids);
    match kind {
        Kind::Municipality => tx.execute("DELETE FROM ocsae.municipality WHERE ine = ANY($1)", &[&k.ine]),
        Kind::Rollout => tx.execute(
            "DELETE FROM ocsae.rollout r USING unnest($1::int[], $2::text[]) AS k(ine, service) \
             WHERE r.ine = k.ine AND r.service = k.service",
            &[&k.ine, &k.service],
        ),
        Kind::Certificate => tx.execute("DELETE FROM ocsae.certificate WHERE id = ANY($1)", &[&k.id]),
        Kind::Activity => tx.execute("DELETE FROM ocsae.activity WHERE id = ANY($1)", &[&k.id]),
        Kind::Operator => tx.execute(
            "DELETE FROM ocsae.operator WHERE comarca = $2 AND key = ANY($1)",
            &[&k.key, &office],
        ),
        Kind::Service => tx.execute("DELETE FROM ocsae.catalogue WHERE key = ANY($1)", &[&k.key]),
    }
}

/// Up to `limit` records of a kind in key order, after `after` (the last one
/// read, or None for the first page).
pub(super) fn page(
    client: &mut impl GenericClient,
    kind: Kind,
    after: Option<&RecordId>,
    limit: i64,
) -> Rows {
    match (kind, after) {
        (Kind::Municipality, after) => {
            let from = match after {
                Some(RecordId::Municipality(ine)) => ine.0 as i32,
                _ => -1,
            };
            client.query(
                "SELECT record FROM ocsae.municipality WHERE ine > $1 ORDER BY ine LIMIT $2",
                &[&from, &limit],
            )
        }
        (Kind::Rollout, after) => {
            let (ine, service) = match after {
                Some(RecordId::Rollout(ine, service)) => (ine.0 as i32, service.as_str()),
                _ => (-1, ""),
            };
            client.query(
                "SELECT record FROM ocsae.rollout WHERE (ine, service) > ($1, $2) ORDER BY ine, service LIMIT $3",
                &[&ine, &service, &limit],
            )
        }
        (Kind::Certificate, after) => {
            let from = match after {
                Some(RecordId::Certificate(id)) => *id as i64,
                _ => -1,
            };
            client.query(
                "SELECT record FROM ocsae.certificate WHERE id > $1 ORDER BY id LIMIT $2",
                &[&from, &limit],
            )
        }
        (Kind::Activity, after) => {
            let from = match after {
                Some(RecordId::Activity(id)) => *id as i64,
                _ => -1,
            };
            client.query(
                "SELECT record FROM ocsae.activity WHERE id > $1 ORDER BY id LIMIT $2",
                &[&from, &limit],
            )
        }
        (Kind::Operator | Kind::Service, after) => {
            let from = match after {
                Some(RecordId::Operator(key) | RecordId::Service(key)) => key.as_str(),
                _ => "",
            };
            let sql = match kind {
                Kind::Operator => "SELECT record FROM ocsae.operator WHERE key > $1 ORDER BY key LIMIT $2",
                _ => "SELECT record FROM ocsae.catalogue WHERE key > $1 ORDER BY key LIMIT $2",
            };
            client.query(sql, &[&from, &limit])
        }
    }
}
