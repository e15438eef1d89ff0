//! A throwaway PostgreSQL cluster for one test binary: `initdb` in a temporary
//! directory (as `nobody` when the tests run as root, as CI does), a Unix socket
//! in that directory and no TCP, roles for the test users, and a database per
//! test. The cluster stops and its directory goes when the binary exits.
//!
//! Without PostgreSQL the tests that need it skip with a message, except under
//! `CI=true`, where they fail.

use ocsae::store::Location;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The test technicians: Anna and Marta work at the Noguera's office, Pep at the Priorat's.
pub const TECHNICIANS: [&str; 4] = ["anna", "marta", "pep", "joan"];
/// The role that creates the stores: the office's administrator.
pub const ADMIN: &str = "ocsae_admin";

pub struct Cluster {
    /// Holds the data directory and the socket; removed at exit.
    base: PathBuf,
    bin: PathBuf,
    /// Whether the server runs as `nobody` (the tests run as root).
    as_nobody: bool,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// The binary's cluster, started on first use; None (after saying why) when
/// there is no PostgreSQL here. Under `CI=true` a missing PostgreSQL fails the test.
pub fn cluster() -> Option<&'static Cluster> {
    match CLUSTER.get_or_init(Cluster::start) {
        Ok(cluster) => Some(cluster),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("PostgreSQL is needed for this test under CI: {why}")
        }
        Err(why) => {
            eprintln!("skipped: no PostgreSQL to test the shared store with ({why})");
            None
        }
    }
}

/// The directory of PostgreSQL's server programs: `pg_config --bindir`, Debian's
/// `/usr/lib/postgresql/<version>/bin`, or the PATH.
fn bin_dir() -> Option<PathBuf> {
    let has_initdb = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .collect();
    debian.sort();
    debian.reverse();
    let path = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>());
    from_pg_config
        .into_iter()
        .chain(debian)
        .chain(path.into_iter().flatten())
        .find(|d| has_initdb(d))
}

impl Cluster {
    fn start() -> Result<Cluster, String> {
        let bin =
            bin_dir().ok_or("initdb and pg_ctl not found (pg_config, /usr/lib/postgresql/*/bin, PATH)")?;
        // SAFETY: geteuid only reads the process's user.
        let as_nobody = unsafe { libc::geteuid() } == 0;
        let base = tempfile::Builder::new()
            .prefix("ocsae-pg-")
            .tempdir()
            .map_err(|e| e.to_string())?
            .keep();
        let data = base.join("data");
        std::fs::create_dir(&data).map_err(|e| e.to_string())?;
        if as_nobody {
            use std::os::unix::fs::PermissionsExt;
            // nobody must reach its data directory, and owns it.
            std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| e.to_string())?;
            let status = Command::new("chown")
                .args(["nobody"])
                .arg(&data)
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err("chown nobody failed".into());
            }
        }
        let cluster = Cluster { base, bin, as_nobody };
        let guard = Guard(Some(cluster.base.clone()));
        cluster.run(
            "initdb",
            &[
                "-D",
                path(&data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C.UTF-8",
            ],
        )?;
        cluster.pg_ctl_start()?;
        std::mem::forget(guard);
        cluster.watch_for_exit();
        cluster.create_roles()?;
        Ok(cluster)
    }

    fn data(&self) -> PathBuf {
        self.base.join("data")
    }

    /// The directory of the server's socket.
    pub fn socket_dir(&self) -> PathBuf {
        self.data()
    }

    /// Runs one of the server's programs, as `nobody` if the tests are root.
    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let exe = self.bin.join(program);
        let mut command = match self.as_nobody {
            true => {
                let mut c = Command::new("runuser");
                c.args(["-u", "nobody", "--"]).arg(&exe);
                c
            }
            false => Command::new(&exe),
        };
        let out = command
            .args(args)
            .current_dir(&self.base)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{program}: {e}"))?;
        match out.status.success() {
            true => Ok(()),
            false => Err(format!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )),
        }
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let data = self.data();
        let options = format!(
            "-k {} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c unix_socket_permissions=0777",
            path(&data)
        );
        let log = data.join("server.log");
        self.run(
            "pg_ctl",
            &["-D", path(&data), "-o", &options, "-l", path(&log), "-w", "start"],
        )
    }

    /// Stops the server, as an administrator would for maintenance (connections cut).
    pub fn stop(&self) {
        self.run("pg_ctl", &["-D", path(&self.data()), "-m", "fast", "-w", "stop"])
            .expect("stop the server");
    }

    /// Starts the server again after `stop`.
    pub fn start_again(&self) {
        self.pg_ctl_start().expect("start the server");
    }

    /// Stops the server and removes the directory when the test binary has gone,
    /// however it ends: a small shell waits for it.
    fn watch_for_exit(&self) {
        let stop = format!(
            "{} -D {} -m immediate stop",
            self.bin.join("pg_ctl").display(),
            self.data().display()
        );
        let stop = match self.as_nobody {
            true => format!("runuser -u nobody -- {stop}"),
            false => stop,
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {base}",
            pid = std::process::id(),
            base = self.base.display()
        );
        let _ = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    fn create_roles(&self) -> Result<(), String> {
        let mut sql = format!(
            "CREATE ROLE {ADMIN} LOGIN CREATEDB; CREATE ROLE ocsae_tech NOLOGIN; \
             CREATE ROLE ocsae_noguera NOLOGIN; CREATE ROLE ocsae_priorat NOLOGIN;"
        );
        for user in TECHNICIANS {
            sql.push_str(&format!("CREATE ROLE {user} LOGIN IN ROLE ocsae_tech;"));
        }
        sql.push_str("GRANT ocsae_noguera TO anna, marta; GRANT ocsae_priorat TO pep;");
        self.superuser()?.batch_execute(&sql).map_err(|e| e.to_string())
    }

    fn superuser(&self) -> Result<postgres::Client, String> {
        connect(&self.socket_dir(), "postgres", "postgres")
    }

    /// A new, empty database owned by the administrator.
    pub fn database(&self) -> Db {
        let name = format!(
            "t{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::SeqCst)
        );
        self.superuser()
            .and_then(|mut c| {
                c.batch_execute(&format!("CREATE DATABASE {name} OWNER {ADMIN}"))
                    .map_err(|e| e.to_string())
            })
            .expect("create a test database");
        Db {
            name,
            socket: self.socket_dir(),
        }
    }
}

/// A database of the cluster, for one test.
pub struct Db {
    pub name: String,
    socket: PathBuf,
}

impl Db {
    /// The store's address for `role`, through the socket.
    pub fn url(&self, role: &str) -> String {
        format!(
            "postgresql://{role}@/{}?host={}",
            self.name,
            self.socket.display()
        )
    }

    pub fn location(&self, role: &str) -> Location {
        Location::parse(&self.url(role))
    }

    /// A plain connection as `role`, for hand-written SQL.
    pub fn sql(&self, role: &str) -> postgres::Client {
        connect(&self.socket, role, &self.name).expect("connect for SQL")
    }
}

fn connect(socket: &Path, user: &str, db: &str) -> Result<postgres::Client, String> {
    let mut config = postgres::Config::new();
    config.host_path(socket).user(user).dbname(db);
    config.connect(postgres::NoTls).map_err(|e| e.to_string())
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

/// Removes the directory if starting the cluster fails half way.
struct Guard(Option<PathBuf>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
