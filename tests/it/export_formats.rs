//! `export --format json|csv|markdown`: each format parsed back and checked against `list
//! --json`, the filters, untrusted titles (`<script>`, `&"'`, a formula) and the refusals
//! that keep `export <dir>` meaning upstream's layout.

use serde_json::Value;

use crate::harness::Repo;

const SCRIPT: &str = "<script>alert(1)</script>";
const QUOTES: &str = "Tom & Jerry's \"best\" <b>";
const FORMULA: &str = "=HYPERLINK(\"http://x\")";

fn ledger() -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.chant(&[
        "add", SCRIPT, "--id", "s-script", "--label", "bug", "--label", "ui",
    ]);
    repo.chant(&[
        "add",
        QUOTES,
        "--id",
        "s-quotes",
        "--depends-on",
        "s-script",
    ]);
    repo.chant(&[
        "add",
        FORMULA,
        "--id",
        "s-formula",
        "--type",
        "research",
        "--label",
        "bug",
    ]);
    repo.chant(&["add", "Plain — unicode", "--id", "s-plain"]);
    repo.chant(&["start", "s-plain"]);
    repo
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn json_carries_what_list_json_says() {
    let repo = ledger();
    let out: Value =
        serde_json::from_str(&repo.chant(&["export", "--format", "json", "--fields", "all"]))
            .unwrap();
    let list = repo.list_json(&[]);
    assert_eq!(out["count"], list.len());
    assert!(out["exported_at"].as_str().unwrap().ends_with('Z'));
    let specs = out["specs"].as_array().unwrap();
    assert_eq!(specs.len(), list.len());
    for (got, want) in specs.iter().zip(&list) {
        for field in [
            "id",
            "title",
            "status",
            "type",
            "labels",
            "depends_on",
            "archived",
        ] {
            assert_eq!(got[field], want[field], "{field} of {}", want["id"]);
        }
        assert_eq!(got["criteria_checked"], want["criteria"]["checked"]);
        assert_eq!(got["criteria_total"], want["criteria"]["total"]);
        assert!(got["created_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-02-02T"));
    }
    let titles: Vec<&str> = specs.iter().map(|s| s["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&SCRIPT) && titles.contains(&QUOTES) && titles.contains(&FORMULA));
    // The default fields are upstream's.
    let out: Value = serde_json::from_str(&repo.chant(&["export", "--format", "json"])).unwrap();
    let keys: Vec<&String> = out["specs"][0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "title",
            "status",
            "type",
            "created_at",
            "completed_at",
            "labels",
            "commit"
        ]
    );
}

#[test]
fn csv_parses_back_with_a_csv_reader_and_defuses_formulas() {
    let repo = ledger();
    let out = repo.chant(&[
        "export",
        "--format",
        "csv",
        "--fields",
        "id,title,status,state,labels,depends_on",
    ]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["id", "title", "status", "state", "labels", "depends_on"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let list = repo.list_json(&[]);
    assert_eq!(rows.len(), list.len());
    for (row, want) in rows.iter().zip(&list) {
        assert_eq!(row[0], *want["id"].as_str().unwrap());
        let title = want["title"].as_str().unwrap();
        if title == FORMULA {
            // A spreadsheet would run it: a leading quote makes it text.
            assert_eq!(row[1], format!("'{FORMULA}"));
        } else {
            assert_eq!(row[1], *title);
        }
        assert_eq!(row[2], *want["status"].as_str().unwrap());
        assert_eq!(row[4], strings(&want["labels"]).join(","));
        assert_eq!(row[5], strings(&want["depends_on"]).join(","));
    }
    assert!(rows.iter().any(|r| &r[1] == SCRIPT));
    assert!(rows.iter().any(|r| &r[1] == QUOTES));
    assert!(rows
        .iter()
        .any(|r| &r[0] == "s-plain" && &r[3] == "in_progress"));
    assert!(rows.iter().any(|r| &r[0] == "s-script" && &r[3] == "ready"));
    assert!(rows
        .iter()
        .any(|r| &r[0] == "s-quotes" && &r[3] == "blocked"));
}

#[test]
fn markdown_escapes_titles_and_lists_each_spec() {
    let repo = ledger();
    let out = repo.chant(&[
        "export",
        "--format",
        "markdown",
        "--fields",
        "id,title,status,labels",
    ]);
    assert!(out.starts_with("# Spec Export\nCount: 4\n"), "{out}");
    assert!(!out.contains("<script>") && !out.contains("<b>"), "{out}");
    assert!(
        out.contains("## s-script: &lt;script&gt;alert(1)&lt;/script&gt;\n- Status: pending\n- Labels: bug, ui\n"),
        "{out}"
    );
    assert!(
        out.contains("## s-quotes: Tom &amp; Jerry's \"best\" &lt;b&gt;\n"),
        "{out}"
    );
    assert!(
        out.contains("## s-plain: Plain — unicode\n- Status: in_progress\n"),
        "{out}"
    );
}

#[test]
fn filters_select_what_list_selects_and_out_writes_a_file() {
    let repo = ledger();
    for filter in [
        &["--status", "ready"][..],
        &["--label", "bug"],
        &["--type", "research"],
        &["--status", "pending", "--label", "ui"],
    ] {
        let mut args = vec!["export", "--format", "json", "--fields", "id"];
        args.extend_from_slice(filter);
        let out: Value = serde_json::from_str(&repo.chant(&args)).unwrap();
        let got: Vec<&Value> = out["specs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["id"])
            .collect();
        let list = repo.list_json(filter);
        let want: Vec<&Value> = list.iter().map(|s| &s["id"]).collect();
        assert_eq!(got, want, "{filter:?}");
        assert!(!want.is_empty(), "{filter:?}");
    }
    let file = repo.home().join("specs.csv");
    let said = repo.chant(&["export", "--format", "csv", "--out", file.to_str().unwrap()]);
    assert_eq!(said, "");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("id,title,status,type,created_at,completed_at,labels,commit\n"));
    assert_eq!(text.lines().count(), 5);
}

#[test]
fn a_directory_is_upstreams_layout_and_data_options_need_a_data_format() {
    let repo = ledger();
    let dir = repo.home().join("out");
    let out = repo.chant_out(&["export", "--format", "csv", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out FILE"));
    assert!(!dir.exists());
    let out = repo.chant_out(&["export", dir.to_str().unwrap(), "--label", "bug"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.exists());
    let out = repo.chant_out(&["export", "--format", "json", "--fields", "id,cost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no field `cost`"));
    // `--format chant` is the default: the folder as before.
    repo.chant(&["export", dir.to_str().unwrap()]);
    assert!(dir.join("specs/s-script.md").exists());
}
