//! From a `postgresql://` address to a connection: the defaults libpq would
//! take (the system user, the Debian socket directory, `PGPASSWORD`, then the
//! password file `PGPASSFILE` or `~/.pgpass`), and TLS
//! through rustls, which always checks the server's certificate (against the
//! system's roots, or `sslrootcert=FILE`), so no system OpenSSL is needed.

use crate::store::StoreError;
use postgres::Client;
use postgres::config::{Host, SslMode};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres_rustls::MakeRustlsConnect;

/// Where libpq looks for the server's socket on Debian, then elsewhere.
const SOCKET_DIRS: [&str; 2] = ["/var/run/postgresql", "/tmp"];

/// How to reach the server: the parsed address and the TLS it asks for.
#[derive(Clone)]
pub(super) struct Target {
    config: postgres::Config,
    root_cert: Option<PathBuf>,
}

impl Target {
    /// Reads an address. Besides what the driver reads, it takes `sslrootcert=FILE`,
    /// and `sslmode=verify-ca|verify-full` as `require` (rustls verifies always).
    pub(super) fn parse(url: &str) -> Result<Target, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        let mut root_cert = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match (key, value) {
                ("sslrootcert", file) => {
                    root_cert = Some(PathBuf::from(crate::store::location::percent_decode(file)))
                }
                ("sslmode", "verify-ca" | "verify-full") => kept.push("sslmode=require".to_string()),
                _ => kept.push(pair.to_string()),
            }
        }
        let text = match kept.is_empty() {
            true => base.to_string(),
            false => format!("{base}?{}", kept.join("&")),
        };
        let mut config = postgres::Config::from_str(&text).map_err(|e| e.to_string())?;
        if config.get_user().is_none() {
            let user = env("PGUSER").unwrap_or_else(crate::store::sled::system_user);
            config.user(&user);
        }
        if config.get_hosts().is_empty() {
            match env("PGHOST") {
                Some(host) => {
                    config.host(&host);
                }
                None => {
                    let dir = SOCKET_DIRS
                        .iter()
                        .find(|d| std::path::Path::new(d).is_dir())
                        .unwrap_or(&SOCKET_DIRS[0]);
                    config.host_path(dir);
                }
            }
        }
        if config.get_ports().is_empty()
            && let Some(port) = env("PGPORT").and_then(|p| p.parse().ok())
        {
            config.port(port);
        }
        if config.get_password().is_none()
            && let Some(password) = env("PGPASSWORD")
        {
            config.password(password);
        }
        // libpq's password file, which the driver does not read.
        if config.get_password().is_none()
            && let Some(password) = super::pgpass::file().and_then(|f| super::pgpass::password(&f, &config))
        {
            config.password(password);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        // A dead network shows within seconds, not the system's minutes.
        config.keepalives_idle(Duration::from_secs(10));
        config.tcp_user_timeout(Duration::from_secs(10));
        config.application_name("ocsae");
        Ok(Target { config, root_cert })
    }

    /// Whether the server is reached through a Unix socket only (peer authentication).
    pub(super) fn is_local(&self) -> bool {
        self.config.get_hosts().iter().all(|h| matches!(h, Host::Unix(_)))
    }

    /// The database's name: the address's, else the user's, as libpq takes it.
    pub(super) fn dbname(&self) -> String {
        self.config
            .get_dbname()
            .or(self.config.get_user())
            .unwrap_or_default()
            .to_string()
    }

    /// A new connection.
    pub(super) fn connect(&self) -> Result<Client, StoreError> {
        let tls = self.tls()?;
        self.config.connect(tls).map_err(super::pg_error)
    }

    fn tls(&self) -> Result<MakeRustlsConnect, StoreError> {
        let mut roots = rustls::RootCertStore::empty();
        // Only TCP with TLS needs them: a socket on this machine asks for none.
        if !self.is_local() && self.config.get_ssl_mode() != SslMode::Disable {
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
            if let Some(file) = &self.root_cert {
                let certs = CertificateDer::pem_file_iter(file)
                    .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| StoreError::Backend {
                        detail: format!("sslrootcert {}: {e}", file.display()),
                        io: None,
                    })?;
                roots.add_parsable_certificates(certs);
            }
        }
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| StoreError::Backend {
                detail: e.to_string(),
                io: None,
            })?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_takes_the_defaults_libpq_would() {
        let t = Target::parse("postgresql:///ocsae?host=/var/run/postgresql").unwrap();
        assert_eq!(t.config.get_dbname(), Some("ocsae"));
        assert!(t.is_local());
        assert!(t.config.get_user().is_some(), "the system user");
        let t = Target::parse("postgresql://anna@db.example.cat:5433/ocsae?sslmode=verify-full&sslrootcert=%2Fetc%2Focsae%2Fca.pem")
            .unwrap();
        assert_eq!(t.config.get_user(), Some("anna"));
        assert_eq!(t.config.get_ports(), [5433]);
        assert_eq!(t.config.get_ssl_mode(), SslMode::Require);
        assert_eq!(t.root_cert, Some(PathBuf::from("/etc/ocsae/ca.pem")));
        assert!(!t.is_local());
        assert!(Target::parse("postgresql:///ocsae?nonsense=1").is_err());
    }
}
