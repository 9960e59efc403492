//! Errors as clients see them. Every error a client receives has a stable machine code in
//! `extensions.code` and a message in Vietnamese and English; details of internal failures
//! are logged, never sent. "Forbidden" and "does not exist" are never told apart: a record
//! the caller may not see is simply absent (null, or not in the list).

use async_graphql::ErrorExtensions as _;

/// An error returned to a client. It deliberately has no `Display`: the only way to a
/// client-facing error is [`From<ApiError> for async_graphql::Error`], which adds the code,
/// and no other error type (a database error, say) can slip through `?` with its text.
#[derive(Debug, Clone)]
pub enum ApiError {
    Unauthenticated,
    InvalidCredentials,
    Throttled,
    BadInput { vi: String, en: String },
    Internal,
}

impl ApiError {
    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::Throttled => "THROTTLED",
            Self::BadInput { .. } => "BAD_USER_INPUT",
            Self::Internal => "INTERNAL",
        }
    }

    /// The message shown to the client, in Vietnamese and English.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated => {
                "Chưa đăng nhập hoặc phiên đã hết hạn / not signed in, or the session has expired".to_owned()
            }
            Self::InvalidCredentials => "Sai tên đăng nhập hoặc mật khẩu / wrong username or password".to_owned(),
            Self::Throttled => {
                "Đăng nhập sai quá nhiều lần, hãy thử lại sau / too many failed sign-ins, try again later".to_owned()
            }
            Self::BadInput { vi, en } => format!("Dữ liệu không hợp lệ: {vi} / invalid input: {en}"),
            Self::Internal => "Lỗi hệ thống, vui lòng thử lại / internal error, please try again".to_owned(),
        }
    }

    /// Logs `error` and returns the opaque internal error.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "request failed");
        Self::Internal
    }

    /// Bad input, described in both languages.
    pub fn bad_input(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::BadInput { vi: vi.into(), en: en.into() }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        let code = error.code();
        async_graphql::Error::new(error.message()).extend_with(|_, extensions| extensions.set("code", code))
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::internal(error)
    }
}

impl From<crate::auth::AuthError> for ApiError {
    fn from(error: crate::auth::AuthError) -> Self {
        match error {
            crate::auth::AuthError::InvalidCredentials => Self::InvalidCredentials,
            crate::auth::AuthError::Throttled => Self::Throttled,
            crate::auth::AuthError::Database(error) => Self::internal(error),
        }
    }
}

/// Result type of resolvers.
pub type ApiResult<T> = Result<T, ApiError>;
