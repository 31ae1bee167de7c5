//! The command line: global settings (flags, else `SAFEGUARDS_*` variables) and subcommands.

use clap::{Args, Parser, Subcommand};
use safeguards_infra::RawConfig;

#[derive(Debug, Parser)]
#[command(
    name = "safeguards",
    version,
    about = "Safeguards Tracker: follow how countries put the Universal DPI Safeguards Framework into practice"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Settings shared by every subcommand.
#[derive(Debug, Args)]
pub struct Global {
    /// Folder for the SQLite file, the mail outbox and the generated secret key [default: data]
    #[arg(long, global = true, env = "SAFEGUARDS_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<String>,
    /// sqlite://… or postgres://… [default: sqlite://<data dir>/safeguards.db]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Base URL used in links sent by e-mail
    #[arg(long, global = true, env = "SAFEGUARDS_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// smtp://host:port or smtps://user:pass@host; without it mail goes to <data dir>/outbox/
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// Sender of e-mails
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_MAIL_FROM",
        value_name = "ADDRESS"
    )]
    pub mail_from: Option<String>,
    /// Digest schedule, six fields with seconds first, in UTC [default: "0 0 8 * * Mon"]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_DIGEST_CRON",
        value_name = "CRON"
    )]
    pub digest_cron: Option<String>,
    /// Key for tokens and links [default: generated into <data dir>/secret.key]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_SECRET_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
    /// `text` or `json` [default: text]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_LOG_FORMAT",
        value_name = "FORMAT"
    )]
    pub log_format: Option<String>,
    /// Proxies (IP addresses or networks, comma-separated) whose X-Forwarded-For names the client
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_TRUSTED_PROXIES",
        value_name = "ADDRESSES"
    )]
    pub trusted_proxies: Option<String>,
    /// Seconds a client may take to send a request's head [default: 10]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_HEADER_TIMEOUT",
        value_name = "SECONDS"
    )]
    pub header_timeout: Option<String>,
    /// Connections open at once, at most [default: 1024]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_MAX_CONNECTIONS",
        value_name = "N"
    )]
    pub max_connections: Option<String>,
    /// Connections one client address may hold open at once; proxies named in
    /// SAFEGUARDS_TRUSTED_PROXIES are not limited [default: 128]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_MAX_CONNECTIONS_PER_CLIENT",
        value_name = "N"
    )]
    pub max_connections_per_client: Option<String>,
    /// A file holding the seed of the key that signs the ledger's checkpoints, kept apart from
    /// the data it signs [default: <data dir>/ledger.key, created on first use]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_LEDGER_KEY_FILE",
        value_name = "FILE"
    )]
    pub ledger_key_file: Option<String>,
    /// Seconds a digest delivery's claim keeps other runners away, renewed while the mail
    /// server takes its time [default: 300]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_DIGEST_LEASE",
        value_name = "SECONDS"
    )]
    pub digest_lease: Option<String>,
    /// A catalogue of the framework's processes (JSON, the format of the shipped
    /// `domain/data/processes.json`) to load instead of the shipped one
    #[arg(long, global = true, env = "SAFEGUARDS_CATALOGUE", value_name = "FILE")]
    pub catalogue: Option<String>,
    /// `on` serves sign-in-free pages and the open dataset of the countries whose record is
    /// published [default: off]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_PUBLIC_PAGES",
        value_name = "on|off"
    )]
    pub public_pages: Option<String>,
    /// Roles whose password accounts must enrol a second factor at their next sign-in, as
    /// `admin,programme_manager` [default: none]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_REQUIRE_SECOND_FACTOR",
        value_name = "ROLES"
    )]
    pub require_second_factor: Option<String>,
    /// The organisation's OpenID Connect issuer (sign-in with the organisation's account; the
    /// redirect URI to register is `<public url>/auth/oidc/callback`)
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_OIDC_ISSUER",
        value_name = "URL"
    )]
    pub oidc_issuer: Option<String>,
    /// The tracker's client id at the issuer
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_OIDC_CLIENT_ID",
        value_name = "ID"
    )]
    pub oidc_client_id: Option<String>,
    /// The tracker's client secret at the issuer
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_OIDC_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<String>,
    /// The sign-in button's text [default: "Sign in with your organisation's account"]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_OIDC_LABEL",
        value_name = "TEXT"
    )]
    pub oidc_label: Option<String>,
    /// Where evidence documents are kept: file://<dir>, or s3://bucket/prefix for any
    /// S3-compatible service (endpoint, region and credentials from AWS_ENDPOINT_URL,
    /// AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ALLOW_HTTP)
    /// [default: file://<data dir>/evidence]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_EVIDENCE_STORE",
        value_name = "URL"
    )]
    pub evidence_store: Option<String>,
    /// The largest evidence document taken, in bytes [default: 10485760]
    #[arg(
        long,
        global = true,
        env = "SAFEGUARDS_EVIDENCE_MAX_BYTES",
        value_name = "BYTES"
    )]
    pub evidence_max_bytes: Option<String>,
}

impl Global {
    /// The settings as given; `bind` comes from `serve --bind` or `SAFEGUARDS_BIND`.
    pub fn raw(&self, bind: Option<String>) -> RawConfig {
        RawConfig {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            bind,
            public_url: self.public_url.clone(),
            smtp_url: self.smtp_url.clone(),
            mail_from: self.mail_from.clone(),
            digest_cron: self.digest_cron.clone(),
            secret_key: self.secret_key.clone(),
            log_format: self.log_format.clone(),
            trusted_proxies: self.trusted_proxies.clone(),
            header_timeout: self.header_timeout.clone(),
            max_connections: self.max_connections.clone(),
            max_connections_per_client: self.max_connections_per_client.clone(),
            ledger_key_file: self.ledger_key_file.clone(),
            digest_lease: self.digest_lease.clone(),
            catalogue: self.catalogue.clone(),
            public_pages: self.public_pages.clone(),
            require_second_factor: self.require_second_factor.clone(),
            oidc_issuer: self.oidc_issuer.clone(),
            oidc_client_id: self.oidc_client_id.clone(),
            oidc_client_secret: self.oidc_client_secret.clone(),
            oidc_label: self.oidc_label.clone(),
            evidence_store: self.evidence_store.clone(),
            evidence_max_bytes: self.evidence_max_bytes.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the store, then serve the API, the pages and the digest scheduler
    Serve(ServeArgs),
    /// Create or update the store's tables
    Migrate,
    /// Manage accounts
    #[command(subcommand)]
    Account(AccountCommand),
    /// Read models
    #[command(subcommand)]
    Projections(ProjectionsCommand),
    /// The Safeguards Digest
    #[command(subcommand)]
    Digest(DigestCommand),
    /// The weekly reminders of milestones due soon or overdue
    #[command(subcommand)]
    Reminders(RemindersCommand),
    /// The event log as CloudEvents JSON lines
    #[command(subcommand)]
    Events(EventsCommand),
    /// Check an export of `events export`: every line is an event, a checkpoint or a contact
    /// exactly as the export writes it, the ledger's hash chain recomputes, every signed
    /// checkpoint holds and covers every event; names the first line that does not match
    Verify {
        /// The JSON-lines file
        file: std::path::PathBuf,
        /// The public key to trust (64 hex characters, or a file holding them), as published
        /// at /api/v1/ledger/checkpoints; required unless --trust-embedded-key
        #[arg(long, value_name = "KEY")]
        key: Option<String>,
        /// Without --key, check the file against the key it names itself: this proves only
        /// that the file agrees with itself, not that it comes from the tracker
        #[arg(long, conflicts_with = "key")]
        trust_embedded_key: bool,
        /// Also check every evidence document the events name against its recorded hash and
        /// size, in this directory or store (file://…, s3://…); names the first that is
        /// missing or differs
        #[arg(long, value_name = "DIR|URL")]
        evidence: Option<String>,
    },
    /// Evidence documents
    #[command(subcommand)]
    Evidence(EvidenceCommand),
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Check the evidence store against the log: every document an event names is there with
    /// its recorded bytes; lists those missing or corrupt (an error) and the stored files no
    /// event names (harmless: an upload whose event was not recorded)
    Check,
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Write the log (after position N) to standard output, one CloudEvent per line
    Export {
        #[arg(long, default_value_t = 0)]
        after: i64,
    },
    /// Load a file written by `events export` into an empty store
    Import {
        /// The JSON-lines file
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum DigestCommand {
    /// Send a period's digest to every confirmed subscriber still owed it (retrying failures
    /// for up to ten minutes); nothing is sent twice
    Send {
        /// ISO week like 2026-W48 [default: the current week]
        #[arg(long)]
        period: Option<String>,
    },
    /// Print the HTML digest a subscriber would receive now
    Preview {
        /// The subscriber's e-mail address
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// Send this week's reminders now, to every focal point not reminded of a milestone yet
    /// this week (the scheduler sends them every day at 07:00 UTC); nobody is reminded twice
    Send,
}

#[derive(Debug, Subcommand)]
pub enum ProjectionsCommand {
    /// Rebuild every read model from the event log, with a progress bar; prints the rate
    /// against a plain COPY of the same rows
    Rebuild,
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account. The password is read from standard input, or generated and printed.
    Create(CreateAccount),
}

#[derive(Debug, Args)]
pub struct CreateAccount {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// admin, programme_manager, focal_point or viewer
    #[arg(long)]
    pub role: String,
    /// ISO 3166-1 alpha-3 code of a country the account works on (repeatable)
    #[arg(long = "country", value_name = "CC")]
    pub countries: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "SAFEGUARDS_BIND", value_name = "ADDR")]
    pub bind: Option<String>,
    /// Load realistic demo data into an empty store
    #[arg(long)]
    pub demo: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_takes_bind_and_demo() {
        let cli = Cli::try_parse_from(["safeguards", "serve", "--bind", "0.0.0.0:9000", "--demo"])
            .unwrap();
        assert_eq!(
            cli.global.raw(Some("0.0.0.0:9000".into())).bind.as_deref(),
            Some("0.0.0.0:9000")
        );
        match cli.command {
            Command::Serve(args) => {
                assert_eq!(args.bind.as_deref(), Some("0.0.0.0:9000"));
                assert!(args.demo);
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn account_create_takes_repeated_countries() {
        let cli = Cli::try_parse_from([
            "safeguards",
            "account",
            "create",
            "--email",
            "a@b.org",
            "--name",
            "A",
            "--role",
            "focal_point",
            "--country",
            "KEN",
            "--country",
            "UGA",
        ])
        .unwrap();
        match cli.command {
            Command::Account(AccountCommand::Create(c)) => {
                assert_eq!(c.countries, vec!["KEN", "UGA"]);
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn global_flags_come_before_or_after_the_subcommand() {
        let cli = Cli::try_parse_from(["safeguards", "migrate", "--data-dir", "/tmp/x"]).unwrap();
        assert_eq!(cli.global.data_dir.as_deref(), Some("/tmp/x"));
    }
}
