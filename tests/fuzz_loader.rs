//! Fuzzing the loader with proptest: no input, however broken, makes it panic, and every
//! diagnostic points inside the file. Inputs are arbitrary text and mutations of the corpus
//! (stacks/, fixtures/). Failing cases are kept in proptest-regressions/ as the corpus grows.

use std::path::Path;

use proptest::prelude::*;
use stackctl::spec;

fn corpus() -> &'static [String] {
    static CORPUS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(read_corpus)
}

fn read_corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for dir in [
        "stacks",
        "fixtures/invalid",
        "fixtures/valid",
        "fixtures/fuzz",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if let Ok(t) = std::fs::read_to_string(&p) {
                texts.push(t);
            }
        }
    }
    texts
}

const TOKENS: &[&str] = &[
    ":",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "'",
    "\"",
    "\t",
    "  ",
    "&a ",
    "*a",
    "!!str ",
    "---\n",
    "...\n",
    "999999999999999999999",
    "-1",
    ".nan",
    "~",
    "? ",
    "|\n",
    ">\n",
    "#",
    ",",
    "\n",
    "0x1F",
    "é",
    "<<: *a\n",
    "null",
    "true",
    "1e400",
    "%YAML 1.2\n",
];

fn check(text: &str) {
    let loaded = spec::load_str("fuzz.yaml", text);
    let lines = text.lines().count().max(1) + 1;
    for d in &loaded.diagnostics {
        assert!(
            d.line >= 1 && d.line <= lines,
            "line {} of {lines}: {d:?}",
            d.line
        );
        assert!(d.column >= 1, "{d:?}");
    }
    let _ = loaded.render();
    assert_eq!(loaded.stack.is_some(), !loaded.has_errors());
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut s = text.to_owned();
    match *m {
        Mutation::Delete(at, n) => {
            let a = floor_boundary(&s, at % (s.len() + 1));
            let b = floor_boundary(&s, a + n);
            s.replace_range(a..b, "");
        }
        Mutation::Insert(at, t) => {
            let a = floor_boundary(&s, at % (s.len() + 1));
            s.insert_str(a, TOKENS[t]);
        }
        Mutation::DuplicateLine(i) => {
            let mut lines: Vec<&str> = s.lines().collect();
            if !lines.is_empty() {
                let l = lines[i % lines.len()];
                lines.insert(i % lines.len(), l);
            }
            s = lines.join("\n");
        }
        Mutation::SwapLines(i, j) => {
            let mut lines: Vec<&str> = s.lines().collect();
            if !lines.is_empty() {
                let n = lines.len();
                lines.swap(i % n, j % n);
            }
            s = lines.join("\n");
        }
        Mutation::Truncate(at) => {
            let a = floor_boundary(&s, at % (s.len() + 1));
            s.truncate(a);
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        check(&text);
    }

    #[test]
    fn yaml_shaped_noise_never_panics(parts in proptest::collection::vec(0..TOKENS.len(), 0..60), words in proptest::collection::vec("[a-z_]{1,12}", 0..20)) {
        let mut text = String::new();
        for (i, p) in parts.iter().enumerate() {
            text.push_str(TOKENS[*p]);
            if let Some(w) = words.get(i % words.len().max(1)) {
                text.push_str(w);
            }
        }
        check(&text);
    }

    #[test]
    fn mutated_corpus_never_panics(pick in any::<usize>(), muts in proptest::collection::vec(mutation(), 1..6)) {
        let corpus = corpus();
        let mut text = corpus[pick % corpus.len()].clone();
        for m in &muts {
            text = apply(&text, m);
        }
        check(&text);
    }
}

#[test]
fn the_corpus_is_not_empty() {
    assert!(corpus().len() >= 4);
}
