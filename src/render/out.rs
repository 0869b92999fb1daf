//! Writing to stdout and stderr without panicking when either is a closed pipe
//! (`stackctl plan … | head -1`, `stackctl apply … 2>&1 | head -5`): `print!` and `eprint!`
//! panic on EPIPE, which would end a command before it releases its lock. Every line stackctl
//! prints goes through these functions or the [`out!`](crate::out), [`outln!`](crate::outln),
//! [`err!`](crate::err) and [`errln!`](crate::errln) macros; a closed or failing stream is
//! ignored and the command carries on.

use std::fmt;
use std::io::Write;

/// Writes formatted text to stdout and flushes it; errors are ignored.
pub fn write_stdout(args: fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_fmt(args).and_then(|()| out.flush());
}

/// Writes formatted text to stderr; errors are ignored.
pub fn write_stderr(args: fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.flush());
}

/// Prints `text` to stdout; a closed or failing stdout is ignored.
pub fn print(text: &str) {
    write_stdout(format_args!("{text}"));
}

/// Prints `text` and a newline to stdout; a closed or failing stdout is ignored.
pub fn println(text: &str) {
    write_stdout(format_args!("{text}\n"));
}

/// `print!` that never panics: a closed stdout is ignored.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::render::out::write_stdout(format_args!($($arg)*)) };
}

/// `println!` that never panics: a closed stdout is ignored.
#[macro_export]
macro_rules! outln {
    () => { $crate::render::out::write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::render::out::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` that never panics: a closed stderr is ignored.
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => { $crate::render::out::write_stderr(format_args!($($arg)*)) };
}

/// `eprintln!` that never panics: a closed stderr is ignored.
#[macro_export]
macro_rules! errln {
    () => { $crate::render::out::write_stderr(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::render::out::write_stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}
