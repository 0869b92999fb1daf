//! Writing to stdout without panicking when it is a closed pipe (`stackctl apply … | head`):
//! `print!` panics on EPIPE, which would end a command before it releases its lock.

use std::io::Write;

/// Prints `text` to stdout; a closed or failing stdout is ignored.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Prints `text` and a newline to stdout; a closed or failing stdout is ignored.
pub fn println(text: &str) {
    print(&format!("{text}\n"));
}
