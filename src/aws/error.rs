//! AWS errors, reduced to what stackctl needs: the operation, AWS's code and message.

use aws_sdk_rds::error::ProvideErrorMetadata;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: {code}: {message}")]
pub struct AwsError {
    pub operation: &'static str,
    pub code: String,
    pub message: String,
}

/// The code of an error that is AWS not answering in time.
pub const NO_ANSWER: &str = "NoAnswer";

impl AwsError {
    pub fn new<E>(operation: &'static str, err: &aws_sdk_rds::error::SdkError<E>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        use aws_sdk_rds::error::SdkError;
        let timed_out = match err {
            SdkError::TimeoutError(_) => true,
            SdkError::DispatchFailure(d) => d.is_timeout(),
            _ => false,
        };
        let (code, message) = match err.as_service_error() {
            Some(se) => (
                se.code().unwrap_or("Unknown").to_owned(),
                se.message().unwrap_or("").to_owned(),
            ),
            None if timed_out => (NO_ANSWER.to_owned(), super::timeouts::no_answer(operation)),
            None => ("Transport".to_owned(), error_chain(err)),
        };
        AwsError {
            operation,
            code,
            message,
        }
    }

    pub fn other(operation: &'static str, message: impl Into<String>) -> Self {
        AwsError {
            operation,
            code: "stackctl".to_owned(),
            message: message.into(),
        }
    }

    /// AWS did not answer, or could not be reached: nothing says what happened to the call.
    pub fn is_unanswered(&self) -> bool {
        self.code == NO_ANSWER || self.code == "Transport"
    }

    /// AWS says the thing does not exist.
    pub fn is_not_found(&self) -> bool {
        self.code.contains("NotFound") || self.code == "ResourceNotFoundException"
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

/// Maps an SDK result into `AwsError`, keeping `None` for "not found".
pub trait SdkResultExt<T> {
    fn aws(self, operation: &'static str) -> Result<T, AwsError>;
}

impl<T, E> SdkResultExt<T> for Result<T, aws_sdk_rds::error::SdkError<E>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    fn aws(self, operation: &'static str) -> Result<T, AwsError> {
        self.map_err(|e| AwsError::new(operation, &e))
    }
}

/// `Ok(None)` when AWS says not found.
pub fn found<T>(r: Result<T, AwsError>) -> Result<Option<T>, AwsError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}
