//! The documented exit codes: 0 success, 1 error, 2 changes present, 130 stopped by SIGINT,
//! 143 stopped by SIGTERM.

/// How a command ended; `main` maps it to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: success (a valid spec; no changes; an apply that completed).
    Success,
    /// 1: the spec is not valid, or the command failed (nothing more to say than the message).
    Invalid,
    /// 2: changes present (`plan --detailed-exitcode`, `drift`).
    Changes,
    /// 130 (SIGINT) or 143 (SIGTERM): stopped by a signal; the lock was released.
    Interrupted(crate::stop::Reason),
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Invalid => 1,
            Outcome::Changes => 2,
            Outcome::Interrupted(r) => r.exit_code(),
        }
    }
}

/// 1: any error (bad input, AWS error, I/O).
pub const ERROR: u8 = 1;
