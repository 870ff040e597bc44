//! `rewind export --out s3://…` against a real S3-compatible server: moto's
//! (`pip install 'moto[server]'`), run on 127.0.0.1. The objects are read back and queried by
//! DuckDB, and they equal a local export's aggregates; a re-run changes no object.
//!
//! Runs when `moto_server` is on `PATH` or `REWIND_MOTO_SERVER` names it; otherwise the test
//! prints that it was skipped and passes (as cli/tests/serve_s3.rs). The DuckDB part is
//! skipped likewise without the duckdb Python package.

#[path = "export/common.rs"]
mod common;

use common::*;
#[path = "serve/moto.rs"]
mod moto;

use moto::{moto_server, start_moto, BUCKET, SKIP};
use std::time::Duration;

/// The bucket's objects under `lake/`: key → its `<Contents>` entry (ETag, LastModified, Size).
async fn listing(endpoint: &str) -> std::collections::BTreeMap<String, String> {
    let url = format!("{endpoint}/{BUCKET}?list-type=2&prefix=lake/&max-keys=1000");
    let xml = reqwest::get(url).await.unwrap().text().await.unwrap();
    assert!(!xml.contains("<IsTruncated>true"), "one page: {xml}");
    xml.split("<Contents>")
        .skip(1)
        .map(|c| {
            let entry = c.split("</Contents>").next().unwrap().to_string();
            let key = entry.split("<Key>").nth(1).unwrap().split("</Key>").next().unwrap().to_string();
            (key, entry)
        })
        .collect()
}

fn s3_export(endpoint: &str, corpus: &std::path::Path) -> String {
    let run = rewind()
        .args(["export", "--format", "parquet", "--out", &format!("s3://{BUCKET}/lake"), "--s3-endpoint", endpoint])
        .arg(corpus)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_ENDPOINT")
        .assert()
        .success();
    String::from_utf8(run.get_output().stdout.clone()).unwrap()
}

#[tokio::test]
async fn export_to_an_s3_compatible_store() {
    let skip = SKIP;
    let Some(program) = moto_server() else {
        eprintln!("{skip}");
        return;
    };
    let Some((_moto, endpoint)) = start_moto(&program).await else {
        eprintln!("{skip}");
        return;
    };
    let corpus = tempfile::tempdir().unwrap();
    fixture_corpus(corpus.path());
    let first = s3_export(&endpoint, corpus.path());
    assert!(first.contains(&format!("in s3://{BUCKET}/lake")), "{first}");
    let days = first.lines().filter(|l| l.starts_with("day=")).count();
    assert!(days >= 3, "{first}");

    let objects = listing(&endpoint).await;
    assert_eq!(objects.len(), days * 7, "a part per table and a manifest per day: {:?}", objects.keys());
    for table in ["sessions", "actions", "events", "elements", "findings", "pages"] {
        assert_eq!(objects.keys().filter(|k| k.starts_with(&format!("lake/{table}/day="))).count(), days, "{table}");
    }

    // A re-run with nothing new writes nothing: every object keeps its ETag and LastModified.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = s3_export(&endpoint, corpus.path());
    assert!(again.contains(&format!("0 days written, {days} days unchanged")), "{again}");
    assert_eq!(listing(&endpoint).await, objects);

    // The objects, downloaded, answer DuckDB's queries as a local export does.
    let downloaded = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    for key in objects.keys() {
        // moto checks that a GET is authenticated, not its signature.
        let auth =
            "AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
        let response =
            http.get(format!("{endpoint}/{BUCKET}/{key}")).header("authorization", auth).send().await.unwrap();
        assert!(response.status().is_success(), "GET {key}: {}", response.status());
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PAR1") || key.ends_with(".json"), "{key}: {bytes:?}");
        let path = downloaded.path().join(key.strip_prefix("lake/").unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let local = tempfile::tempdir().unwrap();
    export(local.path().to_str().unwrap(), &[corpus.path()]);
    let (views, queries) = documented_sql(downloaded.path());
    let Some(from_s3) = duckdb(&views, &queries) else { return };
    let (views, queries) = documented_sql(local.path());
    let from_local = duckdb(&views, &queries).unwrap();
    assert_eq!(from_s3, from_local);
    assert!(rows(&from_s3, "totals")[0][0].as_i64().unwrap() > 30);
}
