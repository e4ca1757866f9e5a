//! A fresh PostgreSQL database for a test, from `PASSERELLE_TEST_POSTGRES_URL`.

use std::io::Write as _;

use store::DatabaseUrl;

pub const POSTGRES_URL_VAR: &str = "PASSERELLE_TEST_POSTGRES_URL";
pub const REQUIRE_POSTGRES_VAR: &str = "PASSERELLE_TEST_REQUIRE_POSTGRES";

pub struct FreshDatabase {
    pub url: DatabaseUrl,
    admin_url: String,
    name: String,
}

/// A new empty database, or `None` (saying so on stderr) when no server is configured.
pub async fn fresh_database(test: &str) -> Option<FreshDatabase> {
    let admin_url = match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => url,
        _ => {
            if std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|v| v == "1") {
                panic!("{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set");
            }
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: PostgreSQL test {test}: set {POSTGRES_URL_VAR} \
                 (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run it"
            );
            return None;
        }
    };
    let name = format!("passerelle_cli_test_{}_{test}", std::process::id());
    let admin = sqlx::PgPool::connect(&admin_url)
        .await
        .unwrap_or_else(|err| {
            panic!("{POSTGRES_URL_VAR} is set but the server does not answer: {err}")
        });
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&format!("/{name}"));
    Some(FreshDatabase {
        url: DatabaseUrl::parse(url.as_str()).unwrap(),
        admin_url,
        name,
    })
}

impl FreshDatabase {
    pub async fn drop(self) {
        let admin = sqlx::PgPool::connect(&self.admin_url).await.unwrap();
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&admin)
        .await
        .unwrap();
        admin.close().await;
    }
}
