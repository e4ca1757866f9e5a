//! Database URLs: which backend, and a display that never shows the password.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// A parsed `sqlite://PATH` or `postgres://...` URL. `Display` and `Debug` mask the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    backend: Backend,
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH` (`sqlite:///abs/path.db`, `sqlite://relative.db`,
    /// `sqlite::memory:`) and `postgres://` or `postgresql://` URLs.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let backend = if text.starts_with("sqlite:") {
            Backend::Sqlite
        } else if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            if let Err(err) = ::url::Url::parse(text) {
                return Err(format!("the PostgreSQL URL does not parse: {err}"));
            }
            Backend::Postgres
        } else {
            return Err(
                "expected sqlite://PATH or postgres://USER@HOST/DATABASE (the scheme picks the backend)"
                    .to_string(),
            );
        };
        Ok(Self {
            raw: text.to_string(),
            backend,
        })
    }

    /// The URL of an SQLite file.
    pub fn sqlite_file(path: &Path) -> Self {
        Self {
            raw: format!("sqlite://{}", path.display()),
            backend: Backend::Sqlite,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with its password, for the driver only.
    pub fn expose(&self) -> &str {
        &self.raw
    }

    /// The file of an SQLite URL (`None` for an in-memory database or PostgreSQL).
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self.raw.strip_prefix("sqlite:")?;
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && !path.starts_with(":memory:")).then(|| PathBuf::from(path))
    }

    /// The URL with the password replaced by `***`.
    pub fn redacted(&self) -> String {
        match ::url::Url::parse(&self.raw) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("***"));
                url.to_string()
            }
            _ => self.raw.clone(),
        }
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_comes_from_the_scheme() {
        let url = |s| DatabaseUrl::parse(s).unwrap();
        assert_eq!(
            url("sqlite:///var/lib/passerelle/p.db").backend(),
            Backend::Sqlite
        );
        assert_eq!(url("sqlite::memory:").backend(), Backend::Sqlite);
        assert_eq!(
            url("postgres://postgres@127.0.0.1:5432/test").backend(),
            Backend::Postgres
        );
        assert_eq!(url("postgresql://u:p@h/db").backend(), Backend::Postgres);
        assert!(
            DatabaseUrl::parse("mysql://h/db")
                .unwrap_err()
                .contains("sqlite://PATH")
        );
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn password_never_shows() {
        let url = DatabaseUrl::parse("postgres://app:s3cr3t@db.example:5432/passerelle").unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://app:***@db.example:5432/passerelle"
        );
        assert!(!format!("{url:?}").contains("s3cr3t"));
        assert!(url.expose().contains("s3cr3t"));
        let plain = DatabaseUrl::parse("postgres://postgres@127.0.0.1/test").unwrap();
        assert_eq!(plain.to_string(), "postgres://postgres@127.0.0.1/test");
    }

    #[test]
    fn sqlite_paths() {
        let path = |s| DatabaseUrl::parse(s).unwrap().sqlite_path();
        assert_eq!(path("sqlite:///tmp/p.db"), Some(PathBuf::from("/tmp/p.db")));
        assert_eq!(
            path("sqlite://data/p.db?mode=rwc"),
            Some(PathBuf::from("data/p.db"))
        );
        assert_eq!(path("sqlite::memory:"), None);
        assert_eq!(path("postgres://h/db"), None);
    }
}
