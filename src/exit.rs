//! The documented exit codes.

/// How a command ended; `main` maps it to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: success (a valid spec; no changes).
    Success,
    /// 1: the spec is not valid (nothing in AWS was touched).
    Invalid,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Invalid => 1,
        }
    }
}

/// 1: any error (bad input, AWS error, I/O).
pub const ERROR: u8 = 1;
