//! Operating the service: `/metrics` on an address of its own; an internal error logged with
//! its cause and the request's id.

use std::sync::{Arc, Mutex, OnceLock};

use testdb::TestDb;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_on_their_own_address_are_served_there_only() {
    let (server, _) = Server::start_with_metrics_listener(TestDb::sqlite().await).await;
    let metrics_base = server.metrics_base.clone().unwrap();
    assert_ne!(metrics_base, server.base);
    let http = reqwest::Client::new();
    let get = |url: String| {
        let http = http.clone();
        async move {
            let response = http.get(url).send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };
    let (status, metrics) = get(format!("{metrics_base}/metrics")).await;
    assert_eq!(status, 200, "{metrics}");
    assert!(
        metrics.contains("passerelle_engine_job_seekers 4"),
        "{metrics}"
    );
    // Not on the public address any more; nothing else on the metrics address.
    assert_eq!(get(format!("{}/metrics", server.base)).await.0, 404);
    assert_eq!(get(format!("{}/healthz", server.base)).await.0, 200);
    assert_eq!(get(format!("{metrics_base}/healthz")).await.0, 404);
    assert_eq!(get(format!("{metrics_base}/api/v1/offers")).await.0, 404);
    // One shutdown stops both listeners.
    let metrics_address = metrics_base.trim_start_matches("http://").to_string();
    server.stop().await;
    assert!(
        tokio::net::TcpStream::connect(&metrics_address)
            .await
            .is_err(),
        "the metrics listener is closed"
    );
}

/// The log lines of this test binary (errors only), captured once for every test of it.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::ERROR)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        logs
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_error_is_logged_with_its_cause_and_the_request_id() {
    let logs = captured_logs();
    let (server, world) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    // A stored occupation that no longer reads back: the store says so, the client gets a 500.
    server
        .db
        .execute_raw(&format!(
            "UPDATE offers SET rome_code = 'Z9999' WHERE id = {}",
            world.offer_x
        ))
        .await
        .unwrap();
    let response = recruiter
        .raw("GET", &format!("/api/v1/offers/{}", world.offer_x))
        .await
        .header("x-request-id", "edge-request-4242")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(response.headers()["x-request-id"], "edge-request-4242");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "internal");
    assert_eq!(body["message"], "internal error; it has been logged");
    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("edge-request-4242"))
        .unwrap_or_else(|| panic!("no log line with the request id:\n{text}"));
    assert!(line.contains("internal error"), "{line}");
    assert!(
        line.contains("stored data does not read back: rome_code"),
        "the cause: {line}"
    );
    server.stop().await;
}
