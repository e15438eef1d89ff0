//! What a change was, as the history names it. On disk and in backups the name
//! is a string ("cert.new"), never a variant's position, so that kinds can be
//! added and reordered without rewriting a store.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum ChangeKind {
    /// Seeding a new store with its councils and their rollout.
    StoreInit,
    ContactsEdit,
    FormSent,
    ImportContacts,
    RolloutStatus,
    RolloutStep,
    RolloutNotes,
    CertNew,
    CertEdit,
    CertStatus,
    CertCancel,
    CertReject,
    ImportCertificates,
    ActivityNew,
    ActivityEdit,
    ActivityClose,
    /// Waiting for the council, or back from waiting.
    ActivityWait,
    TrainingNew,
    ImportActivities,
    /// The "formació" steps a training ticked.
    RolloutTraining,
    /// Several renewals filed at once from the expiry view.
    CertRenewals,
    /// The appointment looked up in EACAT's register.
    CertAppointment,
    /// A revocation filed: the new request and the certificate it revokes.
    CertRevocation,
    /// A T-CAT P downloaded by its holder.
    CertDownloaded,
    /// An ER operator added, or their card renewed.
    OperatorAdd,
    OperatorRemove,
    /// The service catalogue changed by `ocsae services import`.
    ServicesImport,
    /// Rollout statuses read from a file (`ocsae import rollout`).
    ImportRollout,
    /// A name this build does not know, written by a newer one: kept as written.
    Unknown(String),
}

impl ChangeKind {
    /// Every kind this build writes.
    pub const ALL: [ChangeKind; 28] = [
        ChangeKind::StoreInit,
        ChangeKind::ContactsEdit,
        ChangeKind::FormSent,
        ChangeKind::ImportContacts,
        ChangeKind::RolloutStatus,
        ChangeKind::RolloutStep,
        ChangeKind::RolloutNotes,
        ChangeKind::CertNew,
        ChangeKind::CertEdit,
        ChangeKind::CertStatus,
        ChangeKind::CertCancel,
        ChangeKind::CertReject,
        ChangeKind::ImportCertificates,
        ChangeKind::ActivityNew,
        ChangeKind::ActivityEdit,
        ChangeKind::ActivityClose,
        ChangeKind::ActivityWait,
        ChangeKind::TrainingNew,
        ChangeKind::ImportActivities,
        ChangeKind::RolloutTraining,
        ChangeKind::CertRenewals,
        ChangeKind::CertAppointment,
        ChangeKind::CertRevocation,
        ChangeKind::CertDownloaded,
        ChangeKind::OperatorAdd,
        ChangeKind::OperatorRemove,
        ChangeKind::ServicesImport,
        ChangeKind::ImportRollout,
    ];

    /// The name kept in the history.
    pub fn as_str(&self) -> &str {
        match self {
            ChangeKind::StoreInit => "store.init",
            ChangeKind::ContactsEdit => "contacts.edit",
            ChangeKind::FormSent => "form.sent",
            ChangeKind::ImportContacts => "import.contacts",
            ChangeKind::RolloutStatus => "rollout.status",
            ChangeKind::RolloutStep => "rollout.step",
            ChangeKind::RolloutNotes => "rollout.notes",
            ChangeKind::CertNew => "cert.new",
            ChangeKind::CertEdit => "cert.edit",
            ChangeKind::CertStatus => "cert.status",
            ChangeKind::CertCancel => "cert.cancel",
            ChangeKind::CertReject => "cert.reject",
            ChangeKind::ImportCertificates => "import.certificates",
            ChangeKind::ActivityNew => "activity.new",
            ChangeKind::ActivityEdit => "activity.edit",
            ChangeKind::ActivityClose => "activity.close",
            ChangeKind::ActivityWait => "activity.wait",
            ChangeKind::TrainingNew => "training.new",
            ChangeKind::ImportActivities => "import.activities",
            ChangeKind::RolloutTraining => "rollout.training",
            ChangeKind::CertRenewals => "cert.renewals",
            ChangeKind::CertAppointment => "cert.appointment",
            ChangeKind::CertRevocation => "cert.revocation",
            ChangeKind::CertDownloaded => "cert.downloaded",
            ChangeKind::OperatorAdd => "operator.add",
            ChangeKind::OperatorRemove => "operator.remove",
            ChangeKind::ServicesImport => "services.import",
            ChangeKind::ImportRollout => "import.rollout",
            ChangeKind::Unknown(name) => name,
        }
    }

    pub fn parse(name: &str) -> ChangeKind {
        ChangeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .unwrap_or_else(|| ChangeKind::Unknown(name.to_string()))
    }

    /// The words for it, for "Desfet: …" and the history.
    pub fn label(&self) -> Msg {
        match self {
            ChangeKind::ContactsEdit => Msg::change_contacts,
            ChangeKind::FormSent => Msg::change_form_sent,
            ChangeKind::ImportContacts => Msg::change_import_contacts,
            ChangeKind::RolloutStatus => Msg::change_rollout_status,
            ChangeKind::RolloutStep => Msg::change_rollout_step,
            ChangeKind::RolloutNotes => Msg::change_rollout_notes,
            ChangeKind::CertNew => Msg::change_cert_new,
            ChangeKind::CertEdit => Msg::change_cert_edit,
            ChangeKind::CertStatus => Msg::change_cert_status,
            ChangeKind::CertCancel => Msg::change_cert_cancel,
            ChangeKind::CertReject => Msg::change_cert_reject,
            ChangeKind::ImportCertificates => Msg::change_import_certificates,
            ChangeKind::ActivityNew => Msg::change_activity_new,
            ChangeKind::ActivityEdit => Msg::change_activity_edit,
            ChangeKind::ActivityClose => Msg::change_activity_close,
            ChangeKind::ActivityWait => Msg::change_activity_wait,
            ChangeKind::TrainingNew => Msg::change_training_new,
            ChangeKind::ImportActivities => Msg::change_import_activities,
            ChangeKind::RolloutTraining => Msg::change_rollout_training,
            ChangeKind::CertRenewals => Msg::change_cert_renewals,
            ChangeKind::CertAppointment => Msg::change_cert_appointment,
            ChangeKind::CertRevocation => Msg::change_cert_revocation,
            ChangeKind::CertDownloaded => Msg::change_cert_downloaded,
            ChangeKind::OperatorAdd => Msg::change_operator_add,
            ChangeKind::OperatorRemove => Msg::change_operator_remove,
            ChangeKind::ServicesImport => Msg::change_services_import,
            ChangeKind::ImportRollout => Msg::change_import_rollout,
            ChangeKind::StoreInit | ChangeKind::Unknown(_) => Msg::change_other,
        }
    }
}

impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ChangeKind> for String {
    fn from(kind: ChangeKind) -> String {
        match kind {
            ChangeKind::Unknown(name) => name,
            known => known.as_str().to_string(),
        }
    }
}

impl From<String> for ChangeKind {
    fn from(name: String) -> ChangeKind {
        match ChangeKind::parse(&name) {
            ChangeKind::Unknown(_) => ChangeKind::Unknown(name),
            known => known,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_and_is_the_one_stores_hold() {
        let names: Vec<&str> = ChangeKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "store.init",
                "contacts.edit",
                "form.sent",
                "import.contacts",
                "rollout.status",
                "rollout.step",
                "rollout.notes",
                "cert.new",
                "cert.edit",
                "cert.status",
                "cert.cancel",
                "cert.reject",
                "import.certificates",
                "activity.new",
                "activity.edit",
                "activity.close",
                "activity.wait",
                "training.new",
                "import.activities",
                "rollout.training",
                "cert.renewals",
                "cert.appointment",
                "cert.revocation",
                "cert.downloaded",
                "operator.add",
                "operator.remove",
                "services.import",
                "import.rollout",
            ]
        );
        for kind in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(kind.as_str()), kind);
            assert_eq!(ChangeKind::from(String::from(kind.clone())), kind);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<ChangeKind>(&json).unwrap(), kind);
        }
    }

    #[test]
    fn a_name_from_a_newer_build_is_kept_as_written() {
        let kind: ChangeKind = serde_json::from_str("\"report.memoria\"").unwrap();
        assert_eq!(kind, ChangeKind::Unknown("report.memoria".into()));
        assert_eq!(kind.label(), Msg::change_other);
        assert_eq!(serde_json::to_string(&kind).unwrap(), "\"report.memoria\"");
    }

    #[test]
    fn the_labels_are_those_the_history_showed() {
        assert_eq!(ChangeKind::CertReject.label(), Msg::change_cert_reject);
        assert_eq!(ChangeKind::RolloutStep.label(), Msg::change_rollout_step);
        assert_eq!(ChangeKind::StoreInit.label(), Msg::change_other);
    }
}
