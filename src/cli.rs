//! The command line: the dashboard and its subcommands.

use crate::i18n::Lang;
use crate::io::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "ocsae",
    version,
    about = "Dashboard for an Oficina Comarcal de Suport a l'Administració Electrònica"
)]
pub struct Cli {
    /// The store directory (default: $XDG_DATA_HOME/ocsae)
    #[arg(long, global = true, value_name = "DIR")]
    pub db: Option<PathBuf>,
    /// Where the store is: a directory, sled:DIR or postgresql://… (default: $OCSAE_STORE, then the config's store)
    #[arg(long, global = true, value_name = "LOCATION", conflicts_with = "db")]
    pub store: Option<String>,
    /// The interface language (default: config, then LANG, then ca)
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// The configuration file (default: $XDG_CONFIG_HOME/ocsae/config.toml)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Look only: every key that would change something says so instead
    #[arg(long, global = true)]
    pub read_only: bool,
    /// What the log file ($XDG_STATE_HOME/ocsae/ocsae.log) records: error, warn, info, debug, trace
    #[arg(
        long,
        global = true,
        value_name = "LEVEL",
        default_value = "info",
        value_parser = ["error", "warn", "info", "debug", "trace"]
    )]
    pub log_level: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a store and seed it with a comarca's councils
    Init {
        /// A comarca name, or "all" for all 947 councils of Catalonia (default: config, then Noguera)
        #[arg(long, value_name = "NAME")]
        comarca: Option<String>,
    },
    /// Write records as JSON or CSV
    Export {
        #[arg(value_enum, value_name = "municipalities|rollout|certificates|activity")]
        what: ExportWhat,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// The output file, or - for standard output (the default)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Certificate requests
    Cert {
        #[command(subcommand)]
        command: CertCommand,
    },
    /// The weekly summary: rollout per service, certificates, fitxes to renew, councils without contacts
    Report {
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
        /// The output file, or - for standard output (the default)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The annual report for the Consell d'Alcaldes: md, text, csv or html
    Memoria {
        /// The year (1 January to 31 December)
        #[arg(long, value_name = "YYYY", conflicts_with_all = ["from", "to"])]
        year: Option<i32>,
        /// The first day of the period (YYYY-MM-DD)
        #[arg(long, value_name = "DATE", requires = "to")]
        from: Option<String>,
        /// The last day of the period (YYYY-MM-DD)
        #[arg(long, value_name = "DATE", requires = "from")]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: MemoriaFormat,
        /// The output file, or - for standard output (the default)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write a complete JSON backup: every record and the history
    Backup {
        /// The backup file, or - for standard output
        file: PathBuf,
    },
    /// Restore a backup into a new or empty store
    Restore {
        file: PathBuf,
        /// Replace what a non-empty store holds
        #[arg(long)]
        force: bool,
        /// Let the backup's office list give roles comarques they do not read now
        #[arg(long)]
        accept_offices: bool,
    },
    /// The support log: calls, e-mails, visits and remote sessions
    Activity {
        #[command(subcommand)]
        command: ActivityCommand,
    },
    /// Trainings given to councils
    Training {
        #[command(subcommand)]
        command: TrainingCommand,
    },
    /// The AOC's service catalogue: the columns of the matrix
    Services {
        #[command(subcommand)]
        command: ServicesCommand,
    },
    /// The office's ER operators and their operator cards
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// Read records from a CSV file, all or nothing
    Import {
        #[arg(value_enum, value_name = "contacts|certificates|activity|rollout")]
        what: ImportWhat,
        file: PathBuf,
    },
    /// Copy a whole store, with its history, into a new one (through the backup format)
    Migrate {
        /// The store to copy, e.g. sled:DIR
        #[arg(long, value_name = "LOCATION")]
        from: String,
        /// The new store, e.g. postgresql:///ocsae?host=/var/run/postgresql
        #[arg(long, value_name = "LOCATION")]
        to: String,
        /// Replace what a non-empty store holds
        #[arg(long)]
        force: bool,
        /// Let the copy's office list give roles comarques they do not read now
        #[arg(long)]
        accept_offices: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ServicesCommand {
    /// Add or retire services from a TOML file of [[services]] entries, all or nothing
    Import {
        /// The TOML file
        file: PathBuf,
    },
    /// Write the catalogue, retired services included, in the same format
    Export {
        /// The output file, or - for standard output (the default)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Add an ER operator, or record a new card for one already listed
    Add {
        /// The operator's name
        #[arg(long)]
        name: String,
        /// The day the operator card was issued (it lasts 4 years)
        #[arg(long, value_name = "DATE")]
        card_issued: String,
    },
    /// List the ER operators with their cards' expiry
    List,
    /// Remove an ER operator
    Remove {
        /// The operator's name
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportWhat {
    Municipalities,
    Rollout,
    Certificates,
    Activity,
}

// Parsed once per run: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum ActivityCommand {
    /// Log a call, an e-mail, a visit or a remote session; prints its id and due time
    Add {
        /// The council: its INE code or its name
        #[arg(long, value_name = "NAME|INE")]
        municipality: String,
        /// call, email, visit or remote (a training: `ocsae training add`)
        #[arg(long)]
        kind: String,
        /// One line saying what it was about
        #[arg(long)]
        summary: String,
        /// in (the council asked) or out (the office did)
        #[arg(long, default_value = "in")]
        direction: String,
        /// Whom it was with
        #[arg(long)]
        contact: Option<String>,
        /// A service of the catalogue: its id (e-notum), header (NOT) or name
        #[arg(long)]
        service: Option<String>,
        /// The certificate request it is about
        #[arg(long, value_name = "ID")]
        request: Option<String>,
        /// open, waiting or closed
        #[arg(long, default_value = "open")]
        status: String,
        /// When it was received, ISO 8601 (without an offset: the office's time zone); default now
        #[arg(long, value_name = "ISO8601")]
        received: Option<String>,
        /// When it was closed, ISO 8601 (with --status closed); default when it was received
        #[arg(long, value_name = "ISO8601")]
        closed_at: Option<String>,
        /// Minutes spent
        #[arg(long, value_name = "N")]
        minutes: Option<String>,
        /// A day to follow it up
        #[arg(long, value_name = "DATE")]
        follow_up: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// Close an activity, with an optional note
    Close {
        #[arg(value_name = "ID")]
        id: String,
        /// Added to its notes
        #[arg(long)]
        notes: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TrainingCommand {
    /// Log a training session; prints its id
    Add {
        /// The day it was held (a date, or a date and time)
        #[arg(long, value_name = "DATE")]
        date: String,
        /// The services it was about, by id, header or name, separated by commas
        #[arg(long, value_name = "ID[,ID]")]
        service: String,
        /// Each council with its attendees: INE (or name) and a number, e.g. 252228:3,250024:2
        #[arg(long, value_name = "INE:ATTENDEES[,...]")]
        councils: String,
        /// How long it lasted, in hours (1.5)
        #[arg(long, value_name = "N")]
        hours: String,
        /// One line; default: the services' names
        #[arg(long)]
        summary: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// File a new request; prints its id and due time
    Add {
        /// The council: its INE code or its name
        #[arg(long, value_name = "NAME|INE")]
        municipality: String,
        /// The holder's name
        #[arg(long)]
        holder: String,
        /// mayor, secretary, intervenor, treasurer or other
        #[arg(long)]
        role: String,
        /// A certificate type code, e.g. tcat
        #[arg(long = "type", value_name = "CODE")]
        cert_type: String,
        /// new, renewal or revocation
        #[arg(long, default_value = "new")]
        operation: String,
        /// 48 working hours instead of 5 working days
        #[arg(long)]
        urgent: bool,
        /// Why it is urgent (required unless the holder is mayor, secretary or intervenor)
        #[arg(long, requires = "urgent")]
        reason: Option<String>,
        /// When it was received, ISO 8601 (without an offset: the office's time zone); default now
        #[arg(long, value_name = "ISO8601")]
        received: Option<String>,
        /// The request whose certificate a revocation revokes
        #[arg(long, value_name = "ID")]
        revokes: Option<String>,
        /// data_changed, key_compromised, card_lost, relationship_ended or prohibited_list
        #[arg(long, value_name = "REASON")]
        revocation_reason: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportWhat {
    Contacts,
    Certificates,
    Activity,
    Rollout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ReportFormat {
    #[default]
    Text,
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum MemoriaFormat {
    #[default]
    Md,
    Text,
    Csv,
    Html,
}
