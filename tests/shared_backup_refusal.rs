//! `ocsae backup` of a shared store holding what a restore refuses (rows written
//! by hand before schema 8, or past its checks by the administrator): refused
//! at once, naming the record and the field, and nothing written, so the office
//! learns it now rather than when it needs the backup.
mod common;

use common::cli::text;
use common::offices::two_offices;
use common::pg::ADMIN;
use common::pty::binary;
use std::process::Command;

fn backup(url: &str, file: &std::path::Path) -> std::process::Output {
    let home = file.parent().unwrap();
    Command::new(binary())
        .args(["--store", url, "--lang", "en", "backup"])
        .arg(file)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.join("none.toml"))
        .env("OCSAE_NOW", "2026-11-26T10:30:00+01:00")
        .output()
        .unwrap()
}

/// Anna's request of Àger (Noguera), filed as her dashboard files it; its id.
fn filed_by_anna(db: &common::pg::Db) -> u64 {
    common::offices::open(db, "anna")
        .apply(
            ocsae::store::Change::new(
                ocsae::store::ChangeKind::CertNew,
                vec![ocsae::store::Edit::create(ocsae::store::Record::Certificate(
                    ocsae::domain::certificate::CertificateRequest::received(
                        ocsae::store::NEW_ID,
                        ocsae::domain::municipality::IneCode(250024),
                        "Maria Puig",
                        ocsae::domain::certificate::HolderRole::Mayor,
                        "tcat",
                        common::at("2026-11-26T09:00:00Z"),
                    ),
                ))],
            ),
            common::at(common::NOW),
        )
        .unwrap()
        .ids[0]
}

#[test]
fn a_backup_of_a_store_holding_what_a_restore_refuses_is_refused_naming_the_record_and_field() {
    let Some(db) = two_offices() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ocsae.json");
    std::fs::write(&file, "the backup of yesterday").unwrap();
    db.sql(ADMIN)
        .batch_execute(
            "ALTER TABLE ocsae.municipality DROP CONSTRAINT municipality_text_is_safe; \
             UPDATE ocsae.municipality SET record = jsonb_set(record, '{name}', '\"Tiu\\u001b[2Jrana\"') \
             WHERE ine = 252228",
        )
        .unwrap();
    let out = backup(&db.url(ADMIN), &file);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("control or invisible characters in .municipalities[ine=252228].name"),
        "{stderr}"
    );
    assert!(stderr.contains("no backup was written"), "{stderr}");
    // The backup already there is left as it was.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "the backup of yesterday");
}

#[test]
fn a_backup_naming_a_council_that_is_not_there_is_refused() {
    let Some(db) = two_offices() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ocsae.json");
    // A request of the Noguera's, its council gone (the server's key dropped first).
    let id = filed_by_anna(&db);
    db.sql(ADMIN)
        .batch_execute(
            "ALTER TABLE ocsae.certificate DROP CONSTRAINT certificate_council; \
             DELETE FROM ocsae.rollout WHERE ine = 250024; DELETE FROM ocsae.municipality WHERE ine = 250024",
        )
        .unwrap();
    let out = backup(&db.url(ADMIN), &file);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("request {} names an unknown council 250024", id)),
        "{stderr}"
    );
    assert!(!file.exists());
}

/// A request a technician wrote by hand that the server takes, its receipt in
/// 2030 (a restore refuses a receipt after the backup's time).
#[test]
fn a_backup_a_restore_would_refuse_is_said_at_once_and_the_one_there_kept() {
    let Some(db) = two_offices() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ocsae.json");
    std::fs::write(&file, "the backup of yesterday").unwrap();
    let id = filed_by_anna(&db);
    // Her own change, with its history entry, as the server requires.
    let mut sql = db.sql("anna");
    sql.batch_execute(&format!(
        "BEGIN; \
         INSERT INTO ocsae.history (at, kind, change, edits, comarques) VALUES (now(), 'do', 'cert.edit', 1, '{{Noguera}}'); \
         INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
           SELECT currval('ocsae.history_seq'), 0, 'certificate', '{id}', comarca, record, \
                  record || '{{\"received_at\": 1893456000000}}' FROM ocsae.certificate WHERE id = {id}; \
         UPDATE ocsae.certificate SET record = record || '{{\"received_at\": 1893456000000}}' WHERE id = {id}; \
         COMMIT"
    ))
    .unwrap();
    let out = backup(&db.url(ADMIN), &file);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("could not be restored"), "{stderr}");
    assert!(stderr.contains(&format!("{id}")), "{stderr}");
    assert!(stderr.contains("received_at"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "the backup of yesterday");
    // Nothing of the try is left beside it.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
