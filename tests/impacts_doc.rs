//! `docs/impacts.md` is the attribute rows' own table, and every row says where its cost comes
//! from. Pure: no emulator.

use std::path::Path;

use stackctl::model::db_cluster::MEMBERSHIP;
use stackctl::model::impacts_doc::{REGENERATE, render_impacts_markdown};
use stackctl::model::{Source, attribute_rows, spec_of};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn docs_impacts_md_is_generated_from_the_rows() {
    let path = root().join("docs/impacts.md");
    let generated = render_impacts_markdown();
    if std::env::var_os("STACKCTL_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write docs/impacts.md");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/impacts.md differs from what the attribute rows say; regenerate it with `{REGENERATE}` and commit it"
    );
}

#[test]
fn every_row_cites_a_source() {
    let missing: Vec<String> = attribute_rows()
        .into_iter()
        .filter(|(_, a)| a.sources.is_empty())
        .map(|(k, a)| format!("{}.{}", spec_of(k).name, a.name))
        .collect();
    assert!(
        missing.is_empty(),
        "rows without a source (give each `.sources(&[...])`, from docs/impact-sources.md): {missing:?}"
    );
    let uncased: Vec<String> = attribute_rows()
        .into_iter()
        .filter(|(_, a)| a.by_change.is_some() && a.cases.is_none())
        .map(|(k, a)| format!("{}.{}", spec_of(k).name, a.name))
        .collect();
    assert!(
        uncased.is_empty(),
        "rows whose cost depends on the change but say no cases (`.cases(...)`): {uncased:?}"
    );
}

#[test]
fn documented_sources_are_aws_doc_pages_with_aws_sentences() {
    let research = std::fs::read_to_string(root().join("docs/impact-sources.md"))
        .expect("docs/impact-sources.md");
    let mut bad = Vec::new();
    let rows = attribute_rows()
        .into_iter()
        .map(|(kind, a)| (format!("{}.{}", spec_of(kind).name, a.name), a.sources));
    // What adding or removing an Aurora cluster's instance costs is cited as a row is.
    let membership = MEMBERSHIP
        .iter()
        .map(|m| (format!("db_cluster_instance: {}", m.case), m.sources));
    for (row, sources) in rows.chain(membership) {
        for s in sources {
            match s {
                Source::Documented { url, quote } => {
                    if !url.starts_with("https://docs.aws.amazon.com/") {
                        bad.push(format!("{row}: {url} is not a docs.aws.amazon.com page"));
                    }
                    if quote.trim().is_empty() {
                        bad.push(format!("{row}: empty quote from {url}"));
                    } else if !research.contains(quote) {
                        // Never a sentence of our own: only what the research copied from AWS.
                        bad.push(format!(
                            "{row}: quote not found word for word in docs/impact-sources.md: {quote:?}"
                        ));
                    }
                    let page = url.rsplit('/').next().unwrap_or(url);
                    if !research.contains(page) {
                        bad.push(format!(
                            "{row}: page {page} is not among docs/impact-sources.md's sources"
                        ));
                    }
                }
                Source::NotDocumented(why) => {
                    if why.trim().is_empty() {
                        bad.push(format!("{row}: not documented, without saying what"));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
