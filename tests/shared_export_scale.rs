//! The Certificats tab's export (`E`) on a shared store of 100,000 requests:
//! the authors of every request are read within the dashboard's bounds.

mod common;

use common::pg::{self, ADMIN};
use common::*;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::store::seed::{Scope, seed};
use ocsae::store::{ChangeKind, Edit, Kind, NEW_ID, Record, RecordId};
use std::time::Instant;

fn request(ine: u32, holder: &str) -> CertificateRequest {
    CertificateRequest::received(
        NEW_ID,
        IneCode(ine),
        holder,
        HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    )
}

#[test]
#[ignore = "builds a store of 100,000 requests: run with --ignored"]
fn the_authors_of_100k_requests_are_read_within_the_dashboards_bounds() {
    let Some(cluster) = pg::cluster() else { return };
    let db = cluster.database();
    let admin = ocsae::store::open(&db.location(ADMIN)).unwrap();
    seed(admin.as_ref(), &Scope::Comarca("Noguera".into()), at(NOW)).unwrap();
    let mut import = admin.begin_import(ChangeKind::ImportCertificates).unwrap();
    for batch in 0..100 {
        let edits = (0..1_000)
            .map(|i| {
                Edit::create(Record::Certificate(request(
                    [252228, 250024, 250404][i % 3],
                    &format!("Titular {batch} {i}"),
                )))
            })
            .collect();
        import.append(edits).unwrap();
    }
    import.commit(at(NOW)).unwrap();
    // Each request then changed by three later entries, as a queue's requests
    // are filed, issued and delivered: 400,000 edits of requests in the history.
    let marta = ocsae::store::open(&db.location("marta")).unwrap();
    let mut list = marta.certificates().unwrap();
    for round in 0..3 {
        for chunk in list.chunks_mut(5_000) {
            let edits = chunk
                .iter_mut()
                .map(|c| {
                    let before = c.clone();
                    c.set_notes(format!("ronda {round}").as_str().into());
                    Edit::update(Record::Certificate(before), Record::Certificate(c.clone()))
                })
                .collect();
            marta
                .apply(ocsae::store::Change::new(ChangeKind::CertEdit, edits), at(NOW))
                .unwrap();
        }
    }
    drop(admin);
    // The server's side, measured apart: one query for every request's authors
    // (as the export read them before), and one page of 20,000 (as it reads now).
    let mut sql = db.sql("anna");
    let mut expected: std::collections::HashMap<String, (String, String)> = Default::default();
    for (what, query) in [
        (
            "one query, every edit's author sorted",
            "SELECT e.key, (array_agg(h.author ORDER BY e.seq))[1], (array_agg(h.author ORDER BY e.seq DESC))[1] \
             FROM ocsae.history_edit e JOIN ocsae.history h ON h.seq = e.seq \
             WHERE e.kind = 'certificate' GROUP BY e.key",
        ),
        (
            "one page of 20,000",
            "SELECT e.key, f.author, l.author FROM ( \
                 SELECT key, min(seq) AS first, max(seq) AS last FROM ocsae.history_edit \
                 WHERE kind = 'certificate' AND key > '' GROUP BY key ORDER BY key LIMIT 20000 \
             ) e JOIN ocsae.history f ON f.seq = e.first JOIN ocsae.history l ON l.seq = e.last ORDER BY e.key",
        ),
    ] {
        let started = Instant::now();
        let rows = sql.query(query, &[]).unwrap();
        eprintln!("{what}: {:?} ({} rows)", started.elapsed(), rows.len());
        if expected.is_empty() {
            expected = rows
                .iter()
                .map(|r| (r.get::<_, String>(0), (r.get(1), r.get(2))))
                .collect();
        }
    }
    let anna = ocsae::store::open_to_show(&db.location("anna")).unwrap();
    for _ in 0..3 {
        let started = Instant::now();
        let authors = anna.authors(Kind::Certificate);
        let took = started.elapsed();
        eprintln!(
            "authors of 100k requests: {took:?} ({:?})",
            authors.as_ref().map(|a| a.len())
        );
        let authors = authors.unwrap();
        assert_eq!(authors.len(), 100_000);
        for (id, a) in &authors {
            let RecordId::Certificate(n) = id else {
                panic!("{id:?}")
            };
            assert_eq!(
                expected.get(&n.to_string()),
                Some(&(a.created_by.clone(), a.updated_by.clone())),
                "{id:?}"
            );
        }
    }
}
