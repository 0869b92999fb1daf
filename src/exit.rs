//! The documented exit codes: 0 success, 1 error, 2 changes present.

/// How a command ended; `main` maps it to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: success (a valid spec; no changes; an apply that completed).
    Success,
    /// 1: the spec is not valid, or the command failed (nothing more to say than the message).
    Invalid,
    /// 2: changes present (`plan --detailed-exitcode`, `drift`).
    Changes,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Invalid => 1,
            Outcome::Changes => 2,
        }
    }
}

/// 1: any error (bad input, AWS error, I/O).
pub const ERROR: u8 = 1;
