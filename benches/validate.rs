//! `make bench`: validating a 50 MB spec (generated here, never committed). Prints the
//! validation's wall time and the process's peak resident memory (VmHWM), one process per
//! input so that each peak is its own.
//!
//! Inputs: a valid stack whose parameter group holds 1.4 million parameters (the whole
//! parse, structural check and typed decode), and a stack followed by 50 MB of unknown keys
//! (an error each; the first 200 are reported).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SIZE: usize = 50_000_000;

fn minimal() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/stacks/minimal.yaml"))
        .expect("stacks/minimal.yaml")
}

/// Writes the input of `shape` to `path` line by line (never the whole file in memory).
fn generate(shape: &str, path: &Path) -> usize {
    let base = minimal();
    let file = std::fs::File::create(path).expect("create the input");
    let mut out = std::io::BufWriter::new(file);
    let mut written = 0;
    let line = |out: &mut std::io::BufWriter<std::fs::File>, text: &str| {
        out.write_all(text.as_bytes()).expect("write");
        text.len()
    };
    match shape {
        "parameters" => {
            let (head, tail) = base
                .split_once("  identifier: demo-minimal-db\n")
                .expect("minimal.yaml names its instance");
            written += line(&mut out, head);
            written += line(
                &mut out,
                "  identifier: demo-minimal-db\n  parameter_group:\n    family: postgres16\n    parameters:\n",
            );
            let mut i = 0;
            while written < SIZE {
                written += line(&mut out, &format!("      app.setting_{i:08}: {i}\n"));
                i += 1;
            }
            written += line(&mut out, tail);
        }
        _ => {
            written += line(&mut out, &base);
            let mut i = 0;
            while written < SIZE {
                written += line(&mut out, &format!("unknown_key_{i:08}: value\n"));
                i += 1;
            }
        }
    }
    out.flush().expect("flush");
    written
}

/// Peak resident memory of this process, in MB (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// In a child process: validates one generated input and prints its figures.
fn measure(shape: &str, path: &Path) {
    let before = peak_rss_mb().unwrap_or(0.0);
    let start = Instant::now();
    let loaded = stackctl::spec::load_file(path).expect("read the input");
    let took = start.elapsed();
    let rendered = loaded.render();
    let peak = peak_rss_mb().map_or("n/a".to_owned(), |p| format!("{p:.0} MB"));
    println!(
        "validate 50 MB ({shape}): {:.1} s, peak RSS {peak} (before: {before:.0} MB), {} diagnostics, {} bytes of report, valid: {}",
        took.as_secs_f64(),
        loaded.diagnostics.len(),
        rendered.len(),
        loaded.stack.is_some(),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--measure") {
        let (shape, path) = (&args[i + 1], PathBuf::from(&args[i + 2]));
        measure(shape, &path);
        return;
    }
    let dir = std::env::temp_dir().join(format!("stackctl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for shape in ["parameters", "unknown keys"] {
        let path = dir.join(format!("{}.yaml", shape.replace(' ', "-")));
        let bytes = generate(shape, &path);
        assert!(bytes >= SIZE, "{bytes} bytes");
        let status = Command::new(std::env::current_exe().expect("this bench"))
            .args(["--measure", shape])
            .arg(&path)
            .status()
            .expect("run the measurement");
        assert!(status.success(), "{shape}: {status}");
        let _ = std::fs::remove_file(&path);
    }
    let _ = std::fs::remove_dir(&dir);
}
