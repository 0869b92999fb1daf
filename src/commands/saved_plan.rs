//! A saved plan (`plan --out FILE`, then `apply FILE`) is a contract: apply runs it only when it
//! is exactly what `plan` makes, now, from the spec it records and what AWS says. Anything
//! edited in the file (a step, a value, the stack it names) is refused, not executed.

use std::path::Path;

use anyhow::{Context, bail};

use super::common::Spec;
use crate::plan::Plan;

/// Whether `text` is a plan file: a JSON object with a `format_version`. A stack spec in YAML
/// flow style also starts with `{`, and is not one.
pub fn is_plan(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.get("format_version").is_some())
}

/// Reads a plan file and checks what can be checked before the stack's lock is taken: its
/// format, its step graph (ids in order, dependencies that exist, no cycle), and that its
/// recorded spec is a valid stack.
pub fn read(file: &Path, text: &str) -> anyhow::Result<(Plan, Spec)> {
    let p: Plan = serde_json::from_str(text)
        .with_context(|| format!("{} is not a stackctl plan file", file.display()))?;
    if p.format_version != crate::plan::FORMAT_VERSION {
        bail!(
            "{} has plan format {}; this stackctl reads format {}: plan again",
            file.display(),
            p.format_version,
            crate::plan::FORMAT_VERSION
        );
    }
    if let Some(problem) = graph_problem(&p) {
        bail!(
            "{} is not a consistent stackctl plan ({problem}): its steps were edited; plan again",
            file.display()
        );
    }
    let Some(source) = p.spec.clone() else {
        bail!(
            "{} does not record its stack spec: plan again",
            file.display()
        );
    };
    let parsed = revalidate(file, &source)?;
    Ok((p, Spec { parsed, source }))
}

fn graph_problem(p: &Plan) -> Option<String> {
    let n = p.steps.len();
    for (i, s) in p.steps.iter().enumerate() {
        if s.id != i {
            return Some(format!("step {i} has id {}", s.id));
        }
        if let Some(d) = s.depends_on.iter().find(|d| **d >= n || **d == i) {
            return Some(format!("step {i} depends on step {d}"));
        }
    }
    let deps: Vec<Vec<usize>> = p.steps.iter().map(|s| s.depends_on.clone()).collect();
    crate::plan::order::levels(&deps)
        .err()
        .map(|i| format!("step {i} is on a cycle"))
}

/// The recorded spec must pass `validate` as a file would; the stack it describes.
fn revalidate(file: &Path, source: &str) -> anyhow::Result<crate::spec::StackSpec> {
    let name = format!("{} (its recorded spec)", file.display());
    let loaded = crate::spec::load_str(&name, source);
    match loaded.stack {
        Some(stack) if !loaded.has_errors() => Ok(stack),
        _ => {
            crate::err!("{}", loaded.render());
            bail!(
                "{} records a spec that is not valid: plan again",
                file.display()
            )
        }
    }
}

/// Refuses a saved plan that differs from the one made now from its spec and AWS, saying
/// where; a plan whose AWS state moved on is refused with that reason.
pub fn check(saved: &Plan, now: &Plan) -> anyhow::Result<()> {
    if saved.observed_fingerprint != now.observed_fingerprint {
        bail!(
            "the stack changed in AWS since this plan was made (fingerprint {} then, {} now): plan again",
            saved.observed_fingerprint,
            now.observed_fingerprint
        );
    }
    let (a, b) = (serde_json::to_value(saved)?, serde_json::to_value(now)?);
    if let Some(path) = first_difference(&a, &b, String::new()) {
        bail!(
            "this plan file is not what `stackctl plan` makes from its spec and AWS (they differ at `{path}`): it was edited, or made by another version; nothing was changed; plan again"
        );
    }
    Ok(())
}

/// The JSON path of the first place where `a` and `b` differ.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x
            .keys()
            .chain(y.keys().filter(|k| !x.contains_key(*k)))
            .find_map(|k| {
                let (va, vb) = (x.get(k)?, y.get(k)?);
                first_difference(va, vb, format!("{at}.{k}"))
            })
            .or_else(|| {
                x.keys()
                    .chain(y.keys())
                    .find(|k| x.contains_key(*k) != y.contains_key(*k))
                    .map(|k| format!("{at}.{k}"))
            }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (va, vb))| first_difference(va, vb, format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => Some(if at.is_empty() { ".".into() } else { at }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_first_difference_is_named_by_its_path() {
        let a = json!({"steps": [{"id": 0, "op": "create"}], "stack": "a"});
        let b = json!({"steps": [{"id": 0, "op": "delete"}], "stack": "a"});
        assert_eq!(
            first_difference(&a, &b, String::new()).as_deref(),
            Some(".steps[0].op")
        );
        let c = json!({"steps": [{"id": 0, "op": "create"}, {"id": 1}], "stack": "a"});
        assert_eq!(
            first_difference(&a, &c, String::new()).as_deref(),
            Some(".steps")
        );
        assert_eq!(first_difference(&a, &a, String::new()), None);
    }

    #[test]
    fn every_example_and_valid_fixture_spec_revalidates_from_its_recorded_form() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut n = 0;
        for dir in ["stacks", "fixtures/valid"] {
            for e in std::fs::read_dir(root.join(dir)).expect("dir") {
                let path = e.expect("entry").path();
                let text = std::fs::read_to_string(&path).expect("read");
                let loaded = crate::spec::load_str(&path.display().to_string(), &text);
                let Some(stack) = loaded.stack else { continue };
                let back =
                    revalidate(&path, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(back, stack, "{}", path.display());
                n += 1;
            }
        }
        assert!(n >= 10, "{n} specs");
    }

    #[test]
    fn a_recorded_spec_that_is_not_valid_is_refused() {
        let err = revalidate(Path::new("p.json"), "stack: demo\n").expect_err("invalid");
        assert!(err.to_string().contains("not valid"), "{err}");
    }

    #[test]
    fn a_flow_style_spec_is_not_a_plan_file() {
        assert!(!is_plan("{stack: shop, region: us-east-1}"));
        assert!(is_plan("{\"format_version\": 1}"));
    }
}
