//! Configuration: flags, then `SAFEGUARDS_*` environment variables, then defaults.
//!
//! The binary's command-line parser fills a [`RawConfig`] (flags and environment both arrive as
//! strings); [`Config::resolve`] checks every value and names the setting when one is bad.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use rand::RngCore;

/// Settings as given, before checking. `None` means "not given".
#[derive(Debug, Clone, Default)]
pub struct RawConfig {
    pub data_dir: Option<String>,
    pub database_url: Option<String>,
    pub bind: Option<String>,
    pub public_url: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub digest_cron: Option<String>,
    pub secret_key: Option<String>,
    pub log_format: Option<String>,
    pub trusted_proxies: Option<String>,
    pub header_timeout: Option<String>,
    pub max_connections: Option<String>,
    pub max_connections_per_client: Option<String>,
    pub ledger_key_file: Option<String>,
    pub digest_lease: Option<String>,
    pub catalogue: Option<String>,
    pub public_pages: Option<String>,
    pub require_second_factor: Option<String>,
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret: Option<String>,
    pub oidc_label: Option<String>,
    pub evidence_store: Option<String>,
    pub evidence_max_bytes: Option<String>,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Checked settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub bind: SocketAddr,
    pub public_url: url::Url,
    pub smtp_url: Option<url::Url>,
    pub mail_from: String,
    pub digest_cron: String,
    /// Given explicitly; otherwise [`Config::secret_key`] reads or creates one in the data dir.
    pub secret_key: Option<String>,
    pub log_format: LogFormat,
    /// Addresses of the proxies in front of the server, whose `X-Forwarded-For` names the
    /// client (rate limits count clients, not the proxy).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long a client may take to send a request's head (and, on a kept-alive connection,
    /// to start the next one) before the connection is closed.
    pub header_timeout: std::time::Duration,
    /// How many connections are open at most; past it, new ones wait to be accepted.
    pub max_connections: usize,
    /// How many connections one client address may hold open at once; past it, a new one is
    /// closed as soon as it is accepted. Trusted proxies are not counted.
    pub max_connections_per_client: usize,
    /// Where the ledger's signing key is kept, when not beside the data it signs
    /// (`<data dir>/ledger.key`).
    pub ledger_key_file: Option<PathBuf>,
    /// How long a digest delivery's claim keeps other runners away before it is renewed.
    pub digest_lease: std::time::Duration,
    /// An operator's catalogue of the framework's processes, instead of the shipped one.
    pub catalogue: Option<PathBuf>,
    /// Serve the sign-in-free pages and the open dataset of the countries whose record is
    /// published.
    pub public_pages: bool,
    /// `SAFEGUARDS_REQUIRE_SECOND_FACTOR`: the roles whose password accounts must enrol a
    /// second factor at their next sign-in (none by default).
    pub require_second_factor: Vec<safeguards_domain::values::Role>,
    /// Sign-in with the organisation's account (`SAFEGUARDS_OIDC_*`), where it is set up.
    pub oidc: Option<crate::oidc::OidcSettings>,
    /// Where evidence documents are kept (`SAFEGUARDS_EVIDENCE_STORE`):
    /// `file://<data dir>/evidence` by default.
    pub evidence_store: crate::evidence::EvidenceLocation,
    /// The largest evidence document taken, in bytes (`SAFEGUARDS_EVIDENCE_MAX_BYTES`).
    pub evidence_max_bytes: u64,
    /// S3 settings (`aws_endpoint`, `aws_access_key_id`, …) over those of the `AWS_*`
    /// variables: none from the command line; a process that serves several stores at once
    /// (the tests) gives each its own.
    pub evidence_s3: Vec<(String, String)>,
    /// How long an upload may send nothing before it is given up (a minute; tests shorten it).
    pub evidence_idle: std::time::Duration,
}

/// A bad setting: which one, and why.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {setting}: {reason}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub reason: String,
}

fn bad(setting: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        reason: reason.into(),
    }
}

/// `raw` as a number in `range`, or `default` when not given.
fn number_in<T>(
    raw: Option<String>,
    setting: &'static str,
    range: std::ops::RangeInclusive<T>,
    default: T,
    what: &str,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let Some(s) = raw else { return Ok(default) };
    s.trim()
        .parse::<T>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            bad(
                setting,
                format!(
                    "`{s}` is not {what} from {} to {}",
                    range.start(),
                    range.end()
                ),
            )
        })
}

/// The default largest evidence document: 10 MB.
pub const DEFAULT_EVIDENCE_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// The default digest schedule: Mondays at 08:00 UTC (seconds first, six fields).
pub const DEFAULT_DIGEST_CRON: &str = "0 0 8 * * Mon";

impl Config {
    pub fn resolve(raw: RawConfig) -> Result<Self, ConfigError> {
        let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());

        let data_dir = PathBuf::from(given(raw.data_dir).unwrap_or_else(|| "data".into()));

        let database_url = match given(raw.database_url) {
            Some(url) => {
                let scheme = url.split("://").next().unwrap_or_default();
                if !matches!(scheme, "sqlite" | "postgres" | "postgresql") || !url.contains("://") {
                    return Err(bad(
                        "SAFEGUARDS_DATABASE_URL",
                        "must start with sqlite:// or postgres://",
                    ));
                }
                url
            }
            None => format!("sqlite://{}", data_dir.join("safeguards.db").display()),
        };

        let bind_raw = given(raw.bind).unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind: SocketAddr = bind_raw.parse().map_err(|_| {
            bad(
                "SAFEGUARDS_BIND",
                format!("`{bind_raw}` is not an address like 127.0.0.1:8080"),
            )
        })?;

        let public_url = match given(raw.public_url) {
            Some(u) => {
                let url = url::Url::parse(&u)
                    .map_err(|e| bad("SAFEGUARDS_PUBLIC_URL", format!("`{u}`: {e}")))?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(bad("SAFEGUARDS_PUBLIC_URL", "must be an http or https URL"));
                }
                url
            }
            None => url::Url::parse(&format!("http://{bind}/"))
                .map_err(|e| bad("SAFEGUARDS_PUBLIC_URL", e.to_string()))?,
        };

        let smtp_url = match given(raw.smtp_url) {
            Some(u) => {
                let url = url::Url::parse(&u)
                    .map_err(|e| bad("SAFEGUARDS_SMTP_URL", format!("not a URL: {e}")))?;
                if !matches!(url.scheme(), "smtp" | "smtps") || url.host_str().is_none() {
                    return Err(bad(
                        "SAFEGUARDS_SMTP_URL",
                        "must look like smtp://host:port or smtps://user:pass@host",
                    ));
                }
                Some(url)
            }
            None => None,
        };

        let mail_from =
            given(raw.mail_from).unwrap_or_else(|| "Safeguards Tracker <digest@localhost>".into());
        if mail_from.chars().any(char::is_control) || !mail_from.contains('@') {
            return Err(bad(
                "SAFEGUARDS_MAIL_FROM",
                "must be an address like `Safeguards Tracker <digest@example.org>`",
            ));
        }

        let digest_cron = given(raw.digest_cron).unwrap_or_else(|| DEFAULT_DIGEST_CRON.into());
        let fields = digest_cron.split_whitespace().count();
        if !(6..=7).contains(&fields) {
            return Err(bad(
                "SAFEGUARDS_DIGEST_CRON",
                format!(
                    "`{digest_cron}` has {fields} fields; expected 6 (sec min hour day month weekday), e.g. `{DEFAULT_DIGEST_CRON}`"
                ),
            ));
        }

        let secret_key = given(raw.secret_key);
        if let Some(key) = &secret_key {
            if key.len() < 32 {
                return Err(bad(
                    "SAFEGUARDS_SECRET_KEY",
                    "must be at least 32 characters",
                ));
            }
        }

        let log_format = match given(raw.log_format).as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(bad(
                    "SAFEGUARDS_LOG_FORMAT",
                    format!("`{other}` is neither `text` nor `json`"),
                ))
            }
        };

        let trusted_proxies = given(raw.trusted_proxies)
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        p.parse::<ipnet::IpNet>()
                            .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                            .map_err(|_| {
                                bad(
                                    "SAFEGUARDS_TRUSTED_PROXIES",
                                    format!(
                                        "`{p}` is not an IP address or network like 10.0.0.0/8"
                                    ),
                                )
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();

        let seconds = |raw: Option<String>, setting, default: u64| {
            number_in(
                given(raw),
                setting,
                1..=3600,
                default,
                "a number of seconds",
            )
            .map(std::time::Duration::from_secs)
        };
        let header_timeout = seconds(raw.header_timeout, "SAFEGUARDS_HEADER_TIMEOUT", 10)?;
        let digest_lease = seconds(raw.digest_lease, "SAFEGUARDS_DIGEST_LEASE", 300)?;
        let max_connections = number_in(
            given(raw.max_connections),
            "SAFEGUARDS_MAX_CONNECTIONS",
            1..=1_000_000,
            1024,
            "a number of connections",
        )?;
        let max_connections_per_client = number_in(
            given(raw.max_connections_per_client),
            "SAFEGUARDS_MAX_CONNECTIONS_PER_CLIENT",
            1..=1_000_000,
            128,
            "a number of connections",
        )?;

        let public_pages = match given(raw.public_pages).as_deref() {
            None | Some("off" | "false" | "0") => false,
            Some("on" | "true" | "1") => true,
            Some(other) => {
                return Err(bad(
                    "SAFEGUARDS_PUBLIC_PAGES",
                    format!("`{other}` is neither `on` nor `off`"),
                ))
            }
        };

        let require_second_factor = match given(raw.require_second_factor) {
            None => Vec::new(),
            Some(list) => list
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|w| !w.is_empty())
                .map(|w| {
                    safeguards_domain::values::parse_word("role", w).map_err(|_| {
                        bad(
                            "SAFEGUARDS_REQUIRE_SECOND_FACTOR",
                            format!(
                                "`{w}` is not a role (admin, programme_manager, focal_point, viewer)"
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };

        let oidc = match (
            given(raw.oidc_issuer),
            given(raw.oidc_client_id),
            given(raw.oidc_client_secret),
        ) {
            (None, None, None) => None,
            (Some(issuer), Some(client_id), Some(client_secret)) => {
                let issuer_url = url::Url::parse(&issuer)
                    .map_err(|e| bad("SAFEGUARDS_OIDC_ISSUER", format!("`{issuer}`: {e}")))?;
                // Plain http only on the machine itself (a provider under test): elsewhere,
                // whoever sits between could hand out their own keys.
                let loopback = matches!(
                    issuer_url.host(),
                    Some(url::Host::Domain("localhost"))
                        | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
                        | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
                );
                if !(issuer_url.scheme() == "https" || (issuer_url.scheme() == "http" && loopback)) {
                    return Err(bad(
                        "SAFEGUARDS_OIDC_ISSUER",
                        "must be an https URL (plain http only on localhost)",
                    ));
                }
                let redirect_uri = format!(
                    "{}/auth/oidc/callback",
                    public_url.as_str().trim_end_matches('/')
                );
                Some(crate::oidc::OidcSettings {
                    issuer,
                    client_id,
                    client_secret,
                    label: given(raw.oidc_label),
                    redirect_uri,
                })
            }
            _ => {
                return Err(bad(
                    "SAFEGUARDS_OIDC_ISSUER",
                    "SAFEGUARDS_OIDC_ISSUER, SAFEGUARDS_OIDC_CLIENT_ID and SAFEGUARDS_OIDC_CLIENT_SECRET are set together or not at all",
                ))
            }
        };

        let evidence_store = match given(raw.evidence_store) {
            None => crate::evidence::EvidenceLocation::in_data_dir(&data_dir),
            Some(raw) => crate::evidence::EvidenceLocation::parse(&raw)
                .map_err(|e| bad("SAFEGUARDS_EVIDENCE_STORE", e))?,
        };
        let evidence_max_bytes = number_in(
            raw.evidence_max_bytes,
            "SAFEGUARDS_EVIDENCE_MAX_BYTES",
            1..=1024 * 1024 * 1024,
            DEFAULT_EVIDENCE_MAX_BYTES,
            "a number of bytes",
        )?;

        Ok(Self {
            data_dir,
            database_url,
            bind,
            public_url,
            smtp_url,
            mail_from,
            digest_cron,
            secret_key,
            log_format,
            trusted_proxies,
            header_timeout,
            max_connections,
            max_connections_per_client,
            ledger_key_file: given(raw.ledger_key_file).map(PathBuf::from),
            digest_lease,
            catalogue: given(raw.catalogue).map(PathBuf::from),
            public_pages,
            require_second_factor,
            oidc,
            evidence_store,
            evidence_max_bytes,
            evidence_s3: Vec::new(),
            evidence_idle: std::time::Duration::from_secs(60),
        })
    }

    /// The secret key: as configured, else the one kept in `<data dir>/secret.key`, created on
    /// first use (64 hex characters, readable by the owner only).
    pub fn secret_key(&self) -> std::io::Result<String> {
        if let Some(key) = &self.secret_key {
            return Ok(key.clone());
        }
        load_or_create_secret(&self.data_dir, "secret.key")
    }

    /// The seed of the Ed25519 key that signs the ledger's checkpoints, kept in
    /// `<data dir>/ledger.key` and created on first use like the secret key, or read from
    /// `SAFEGUARDS_LEDGER_KEY_FILE` (never created there: a key kept apart from the data is
    /// made and guarded by the operator, so that whoever can change the store cannot also sign
    /// for it). Its public half is published; whoever verifies an export pins it.
    pub fn ledger_key(&self) -> std::io::Result<String> {
        match &self.ledger_key_file {
            None => load_or_create_secret(&self.data_dir, "ledger.key"),
            Some(path) => {
                let key = std::fs::read_to_string(path).map_err(|e| {
                    std::io::Error::new(
                        e.kind(),
                        format!("SAFEGUARDS_LEDGER_KEY_FILE {}: {e}", path.display()),
                    )
                })?;
                if key.trim().len() < 32 {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "SAFEGUARDS_LEDGER_KEY_FILE {} is shorter than 32 characters",
                            path.display()
                        ),
                    ));
                }
                Ok(key.trim().to_string())
            }
        }
    }
}

fn load_or_create_secret(data_dir: &Path, name: &str) -> std::io::Result<String> {
    let path = data_dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(key) if key.trim().len() >= 32 => return Ok(key.trim().to_string()),
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is shorter than 32 characters", path.display()),
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    private_dir(data_dir)?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let tmp = data_dir.join(format!("{name}.{}", std::process::id()));
    write_private(&tmp, &key)?;
    // A concurrent first start may have won the race: keep whichever file landed first.
    match std::fs::hard_link(&tmp, &path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    std::fs::remove_file(&tmp)?;
    Ok(std::fs::read_to_string(&path)?.trim().to_string())
}

/// Create `dir` if needed and make it readable by its owner only: the data directory holds the
/// store, the keys and the outbox (whose mail carries confirmation and action links), so no
/// other account of the machine may list or read it, whatever the modes of the files in it.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    create_private_dir(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    Ok(())
}

/// Create `dir` and its missing parents readable by their owner only; a directory that is
/// there already is left as it is.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_data_directory_is_made_private_to_its_owner_and_new_ones_are_born_private() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let root = std::env::temp_dir().join(format!("sg-private-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&root).unwrap();
        assert_eq!(
            mode(&root),
            0o700,
            "an existing data directory is tightened"
        );
        let outbox = root.join("outbox").join("deeper");
        create_private_dir(&outbox).unwrap();
        assert_eq!(mode(&outbox), 0o700);
        assert_eq!(mode(&root.join("outbox")), 0o700);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_ledger_key_kept_apart_is_read_from_its_file_and_never_made_there() {
        let dir = std::env::temp_dir().join(format!("sg-ledger-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ledger.key");
        let config = |file: &Path| {
            Config::resolve(RawConfig {
                data_dir: Some(dir.join("data").display().to_string()),
                ledger_key_file: Some(file.display().to_string()),
                ..RawConfig::default()
            })
            .unwrap()
        };
        let missing = config(&file).ledger_key().unwrap_err();
        assert!(
            missing.to_string().contains("SAFEGUARDS_LEDGER_KEY_FILE"),
            "{missing}"
        );
        assert!(!file.exists() && !dir.join("data").join("ledger.key").exists());
        std::fs::write(&file, format!("{}\n", "ab".repeat(32))).unwrap();
        assert_eq!(config(&file).ledger_key().unwrap(), "ab".repeat(32));
        std::fs::write(&file, "short").unwrap();
        assert!(config(&file).ledger_key().is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn defaults_use_the_embedded_store_in_the_data_dir() {
        let c = Config::resolve(RawConfig::default()).unwrap();
        assert_eq!(c.database_url, "sqlite://data/safeguards.db");
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.digest_cron, DEFAULT_DIGEST_CRON);
        assert_eq!(c.log_format, LogFormat::Text);
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn the_data_dir_moves_the_default_database() {
        let c = Config::resolve(RawConfig {
            data_dir: Some("/var/lib/sg".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.database_url, "sqlite:///var/lib/sg/safeguards.db");
    }

    #[test]
    fn a_bad_value_names_its_setting() {
        let cases: Vec<(RawConfig, &str)> = vec![
            (
                RawConfig {
                    bind: Some("nowhere".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_BIND",
            ),
            (
                RawConfig {
                    database_url: Some("mysql://x".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_DATABASE_URL",
            ),
            (
                RawConfig {
                    log_format: Some("xml".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_LOG_FORMAT",
            ),
            (
                RawConfig {
                    smtp_url: Some("http://mail".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_SMTP_URL",
            ),
            (
                RawConfig {
                    digest_cron: Some("0 8 * * 1".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_DIGEST_CRON",
            ),
            (
                RawConfig {
                    secret_key: Some("short".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_SECRET_KEY",
            ),
            (
                RawConfig {
                    public_url: Some("ftp://x".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_PUBLIC_URL",
            ),
            (
                RawConfig {
                    mail_from: Some("nobody".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_MAIL_FROM",
            ),
            (
                RawConfig {
                    trusted_proxies: Some("10.0.0.1, proxy".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_TRUSTED_PROXIES",
            ),
            (
                RawConfig {
                    header_timeout: Some("0".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_HEADER_TIMEOUT",
            ),
            (
                RawConfig {
                    max_connections: Some("lots".into()),
                    ..Default::default()
                },
                "SAFEGUARDS_MAX_CONNECTIONS",
            ),
        ];
        for (raw, setting) in cases {
            let err = Config::resolve(raw).unwrap_err();
            assert_eq!(err.setting, setting);
            assert!(err.to_string().contains(setting));
        }
    }

    #[test]
    fn the_secret_key_is_generated_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("sg-secret-{}", uuid::Uuid::new_v4()));
        let c = Config::resolve(RawConfig {
            data_dir: Some(dir.display().to_string()),
            ..Default::default()
        })
        .unwrap();
        let first = c.secret_key().unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(c.secret_key().unwrap(), first);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
