//! Settings, layered: built-in defaults, then an optional TOML file, then `PASSERELLE_...`
//! environment variables, then command-line flags.
//!
//! | setting      | file key       | environment             | flag          |
//! |--------------|----------------|-------------------------|---------------|
//! | data folder  | `data_dir`     | `PASSERELLE_DATA_DIR`   |               |
//! | database URL | `database_url` | `PASSERELLE_DATABASE_URL` | `--database` |
//! | scoring      | `[scoring]`    |                         |               |
//! | metrics token | `metrics_token` | `PASSERELLE_METRICS_TOKEN` |            |
//! | metrics address | `metrics_bind` | `PASSERELLE_METRICS_BIND` | `--metrics-bind` (serve) |
//! | SMTP server  | `smtp_url`     | `PASSERELLE_SMTP_URL`   |               |
//! | sender       | `mail_from`    | `PASSERELLE_MAIL_FROM`  |               |
//!
//! Messages (registrations, seats freed, reminders, with their calendar invitations) go
//! through the SMTP server of `smtp_url` (`smtps://user:password@host`, or
//! `smtp://host:587?tls=required`); without one they are written as `.eml` files in
//! `DATA_DIR/outbox/`. The URL holds a password: it is never printed.
//!
//! With a metrics token, `/metrics` answers only `Authorization: Bearer TOKEN` (Prometheus's
//! `authorization` setting); without one it is open, for a listener reachable only by the
//! monitoring. The token is kept hashed and never printed.
//!
//! With a metrics address (`127.0.0.1:9464`), `/metrics` is served there, on a listener of its
//! own that serves nothing else, and no longer on the public address; without one it is served
//! on the public address with everything else.
//!
//! `[scoring]` sets the shortlists' weights and scales (`engine::ScoringConfig`): for instance
//! `weights.distance = 0.3`, `tiers.proche = 0.75`, `distance_half_km = 15`, `max_delay_days = 45`.
//!
//! The file is the one `--config FILE` or `PASSERELLE_CONFIG` names. The default database is
//! `sqlite://DATA_DIR/passerelle.db`; the default data folder is `$XDG_DATA_HOME/passerelle`,
//! else `~/.local/share/passerelle`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;
use store::DatabaseUrl;

#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// Its `Display` and `Debug` hide the password.
    pub database: DatabaseUrl,
    pub scoring: engine::ScoringConfig,
    /// The SHA-256 of the token `/metrics` asks for, if any.
    pub metrics_token: Option<model::TokenHash>,
    /// Where `/metrics` is served on its own, if anywhere.
    pub metrics_bind: Option<std::net::SocketAddr>,
    /// Where messages go: the SMTP server, or `.eml` files in `DATA_DIR/outbox/`.
    pub delivery: service::outbox::Delivery,
    pub mail_from: String,
}

#[derive(Deserialize)]
struct Raw {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    metrics_token: Option<String>,
    metrics_bind: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    #[serde(default)]
    scoring: engine::ScoringConfig,
}

fn default_data_dir(env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    if let Some(xdg) = env("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("passerelle");
    }
    if let Some(home) = env("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join(".local/share/passerelle");
    }
    PathBuf::from("passerelle-data")
}

impl Settings {
    /// Loads the settings from the process environment, the file and the flags given.
    pub fn load(config_file: Option<&Path>, database_flag: Option<&str>) -> anyhow::Result<Self> {
        Self::load_with(config_file, database_flag, &|name| std::env::var(name).ok())
    }

    /// As [`Settings::load`], reading the environment through `env` (for tests).
    pub fn load_with(
        config_file: Option<&Path>,
        database_flag: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Self> {
        let file = config_file.map(Path::to_path_buf).or_else(|| {
            env("PASSERELLE_CONFIG")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        let mut builder = config::Config::builder();
        if let Some(file) = &file {
            if !file.is_file() {
                anyhow::bail!("the settings file {} does not exist", file.display());
            }
            builder = builder
                .add_source(config::File::from(file.as_path()).format(config::FileFormat::Toml));
        }
        // Environment variables, read through `env` so tests control them.
        let mut overrides = config::Map::new();
        if let Some(dir) = env("PASSERELLE_DATA_DIR").filter(|v| !v.is_empty()) {
            overrides.insert("data_dir".to_string(), config::Value::from(dir));
        }
        if let Some(url) = env("PASSERELLE_DATABASE_URL").filter(|v| !v.is_empty()) {
            overrides.insert("database_url".to_string(), config::Value::from(url));
        }
        if let Some(token) = env("PASSERELLE_METRICS_TOKEN").filter(|v| !v.is_empty()) {
            overrides.insert("metrics_token".to_string(), config::Value::from(token));
        }
        if let Some(address) = env("PASSERELLE_METRICS_BIND").filter(|v| !v.is_empty()) {
            overrides.insert("metrics_bind".to_string(), config::Value::from(address));
        }
        if let Some(url) = env("PASSERELLE_SMTP_URL").filter(|v| !v.is_empty()) {
            overrides.insert("smtp_url".to_string(), config::Value::from(url));
        }
        if let Some(from) = env("PASSERELLE_MAIL_FROM").filter(|v| !v.is_empty()) {
            overrides.insert("mail_from".to_string(), config::Value::from(from));
        }
        for (key, value) in overrides {
            builder = builder.set_override(key, value)?;
        }
        let raw: Raw = builder
            .build()
            .and_then(config::Config::try_deserialize)
            .with_context(|| match &file {
                Some(file) => format!("reading the settings file {}", file.display()),
                None => "reading the settings".to_string(),
            })?;
        let data_dir = raw.data_dir.unwrap_or_else(|| default_data_dir(env));
        let database = match database_flag.map(str::to_string).or(raw.database_url) {
            Some(url) => DatabaseUrl::parse(&url)
                .map_err(|reason| anyhow::anyhow!("database URL: {reason}"))?,
            None => DatabaseUrl::sqlite_file(&data_dir.join("passerelle.db")),
        };
        raw.scoring
            .validate()
            .map_err(|e| anyhow::anyhow!("settings: {e}"))?;
        let metrics_token = match raw.metrics_token.as_deref().map(str::trim) {
            Some(token) if token.len() < 16 => {
                anyhow::bail!("metrics_token: at least 16 characters")
            }
            Some(token) => Some(model::TokenHash::of_token(token)),
            None => None,
        };
        let metrics_bind = match raw.metrics_bind.as_deref().map(str::trim) {
            Some(address) => Some(address.parse().map_err(|_| {
                anyhow::anyhow!("metrics_bind: expected an address and port, e.g. 127.0.0.1:9464")
            })?),
            None => None,
        };
        let delivery = match raw.smtp_url.as_deref().map(str::trim) {
            Some(url) => service::outbox::Delivery::smtp(url).map_err(anyhow::Error::msg)?,
            None => service::outbox::Delivery::Folder(data_dir.join("outbox")),
        };
        let mail_from = raw
            .mail_from
            .unwrap_or_else(|| service::Config::default().mail_from);
        if !service::outbox::is_mailbox(&mail_from) {
            anyhow::bail!(
                "mail_from: {mail_from:?} is not an address such as Passerelle <ne-pas-repondre@example.fr>"
            );
        }
        Ok(Self {
            data_dir,
            database,
            scoring: raw.scoring,
            metrics_token,
            metrics_bind,
            delivery,
            mail_from,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    /// A settings file `name` holding `text`, in a folder that lasts as long as the guard.
    fn settings_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        (dir, file)
    }

    #[test]
    fn defaults_put_an_sqlite_file_in_the_data_folder() {
        let settings = Settings::load_with(None, None, &env(&[("HOME", "/home/ana")])).unwrap();
        assert_eq!(
            settings.data_dir,
            PathBuf::from("/home/ana/.local/share/passerelle")
        );
        assert_eq!(
            settings.database.to_string(),
            "sqlite:///home/ana/.local/share/passerelle/passerelle.db"
        );
        let xdg = Settings::load_with(None, None, &env(&[("HOME", "/h"), ("XDG_DATA_HOME", "/x")]))
            .unwrap();
        assert_eq!(xdg.data_dir, PathBuf::from("/x/passerelle"));
    }

    #[test]
    fn file_then_environment_then_flag() {
        let (_dir, file) = settings_file(
            "passerelle.toml",
            "data_dir = \"/srv/passerelle\"\ndatabase_url = \"postgres://app:s3cret@db/passerelle\"\n",
        );
        let from_file = Settings::load_with(Some(&file), None, &env(&[])).unwrap();
        assert_eq!(from_file.data_dir, PathBuf::from("/srv/passerelle"));
        assert_eq!(
            from_file.database.to_string(),
            "postgres://app:***@db/passerelle"
        );
        assert!(!format!("{from_file:?}").contains("s3cret"));

        let from_env = Settings::load_with(
            Some(&file),
            None,
            &env(&[("PASSERELLE_DATABASE_URL", "sqlite:///tmp/env.db")]),
        )
        .unwrap();
        assert_eq!(from_env.database.to_string(), "sqlite:///tmp/env.db");
        assert_eq!(from_env.data_dir, PathBuf::from("/srv/passerelle"));

        let from_flag = Settings::load_with(
            Some(&file),
            Some("sqlite:///tmp/flag.db"),
            &env(&[("PASSERELLE_DATABASE_URL", "sqlite:///tmp/env.db")]),
        )
        .unwrap();
        assert_eq!(from_flag.database.to_string(), "sqlite:///tmp/flag.db");
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        let missing = Settings::load_with(Some(Path::new("/nonexistent/p.toml")), None, &env(&[]))
            .unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("/nonexistent/p.toml does not exist")
        );
        let bad_url =
            Settings::load_with(None, Some("mysql://h/db"), &env(&[("HOME", "/h")])).unwrap_err();
        assert!(
            bad_url
                .to_string()
                .starts_with("database URL: expected sqlite://PATH")
        );
        let (_dir, file) = settings_file("broken.toml", "data_dir = [");
        let broken = Settings::load_with(Some(&file), None, &env(&[])).unwrap_err();
        assert!(format!("{broken:#}").contains("broken.toml"));
        std::fs::write(&file, "[scoring.weights]\nskills = -0.5\n").unwrap();
        let negative = Settings::load_with(Some(&file), None, &env(&[])).unwrap_err();
        assert!(
            negative
                .to_string()
                .starts_with("settings: scoring.weights.skills: is -0.5"),
            "{negative}"
        );
        std::fs::write(&file, "[scoring]\nweight = 1\n").unwrap();
        let unknown = Settings::load_with(Some(&file), None, &env(&[])).unwrap_err();
        assert!(format!("{unknown:#}").contains("weight"), "{unknown:#}");
    }

    #[test]
    fn the_metrics_address_comes_from_the_file_or_the_environment() {
        let none = Settings::load_with(None, None, &env(&[("HOME", "/h")])).unwrap();
        assert_eq!(none.metrics_bind, None);
        let (_dir, file) = settings_file("p.toml", "metrics_bind = \"127.0.0.1:9464\"\n");
        let from_file = Settings::load_with(Some(&file), None, &env(&[])).unwrap();
        assert_eq!(
            from_file.metrics_bind,
            Some(std::net::SocketAddr::from(([127, 0, 0, 1], 9464)))
        );
        let from_env = Settings::load_with(
            Some(&file),
            None,
            &env(&[("PASSERELLE_METRICS_BIND", "0.0.0.0:9100")]),
        )
        .unwrap();
        assert_eq!(
            from_env.metrics_bind,
            Some(std::net::SocketAddr::from(([0, 0, 0, 0], 9100)))
        );
        let wrong = Settings::load_with(
            None,
            None,
            &env(&[("HOME", "/h"), ("PASSERELLE_METRICS_BIND", "localhost")]),
        )
        .unwrap_err();
        assert_eq!(
            wrong.to_string(),
            "metrics_bind: expected an address and port, e.g. 127.0.0.1:9464"
        );
    }

    #[test]
    fn scoring_weights_come_from_the_file() {
        let (_dir, file) = settings_file(
            "p.toml",
            "[scoring]\ndistance_half_km = 15\n[scoring.weights]\ndistance = 0.3\n",
        );
        let settings = Settings::load_with(Some(&file), None, &env(&[])).unwrap();
        assert_eq!(settings.scoring.distance_half_km, 15.0);
        assert_eq!(settings.scoring.weights.distance, 0.3);
        assert_eq!(
            settings.scoring.weights.skills,
            engine::ScoringConfig::default().weights.skills
        );
    }
}
