//! Errors as clients see them. Every error a client receives has a stable machine code in
//! `extensions.code` and a message in Vietnamese and English; details of internal failures
//! are logged, never sent. "Forbidden" and "does not exist" are never told apart: a record
//! the caller may not see is simply absent (null, or not in the list).
//!
//! What errors mean is said here, independent of GraphQL: errors name records by their kind
//! and database id ([`RecordRef`]); the GraphQL layer turns them into what clients receive,
//! at its edge.

/// An error returned to a client. It deliberately has no `Display`: the only way to a
/// client-facing error is through the GraphQL layer's conversion, which adds the code, and
/// no other error type (a database error, say) can slip through `?` with its text.
#[derive(Debug, Clone)]
pub enum ApiError {
    Unauthenticated,
    /// The session was ended because one of its refresh tokens was used twice.
    SessionEndedByReuse,
    InvalidCredentials,
    Throttled,
    /// Too many sign-ins are waiting for a password check.
    Busy,
    /// A vendor's client asked more often than it may; it may ask again after the wait.
    VendorLimited {
        retry_after_secs: u64,
    },
    /// What the request would show takes a sharing agreement past its daily cap of
    /// students: nothing is shown, and the agreement shares nothing more today.
    SharingCapReached,
    BadInput {
        vi: String,
        en: String,
    },
    /// Entries of a batch that are wrong, each naming its record and field; nothing of the
    /// batch was written.
    InvalidEntries(Vec<EntryProblem>),
    /// Records changed by someone else since the client read them; nothing was written.
    Conflict {
        records: Vec<RecordRef>,
    },
    /// The book is locked: a change needs a reason, and waits for the principal's approval.
    Locked,
    /// The record does not exist or the caller may not change it (never told apart).
    NotPermitted,
    /// The database does not answer (down, unreachable, or refusing connections): worth
    /// trying again later.
    Unavailable,
    /// What the response would show could not be recorded in the disclosure log, so it is
    /// not shown.
    Unrecorded,
    Internal,
    /// The HTTP request is no well-formed GraphQL request (its body or parameters); nothing ran.
    BadRequest {
        vi: String,
        en: String,
    },
    /// A GraphQL request over GET that is not a query, or a method `/graphql` does not serve.
    MethodNotAllowed,
    /// A POST body that is not `application/json` in UTF-8.
    UnsupportedMediaType,
    /// A client that accepts neither GraphQL media type.
    NotAcceptable,
    /// A body longer than the server reads.
    PayloadTooLarge,
}

/// The kinds of record an error can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Student,
    LeaveRequest,
    ChangeRequest,
}

/// A record an error names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordRef {
    /// Row `id` of the table of `kind`.
    Row { kind: RecordKind, id: i64 },
    /// An id exactly as the client sent it, named back when it names no record the server
    /// could read (malformed, or of another kind).
    AsSent(String),
}

impl RecordRef {
    /// The student `id`.
    pub fn student(id: i64) -> Self {
        Self::Row { kind: RecordKind::Student, id }
    }
}

/// One wrong entry of a batch: the record it names, the input field, and why, in both
/// languages.
#[derive(Debug, Clone)]
pub struct EntryProblem {
    pub record: RecordRef,
    pub field: &'static str,
    pub vi: String,
    pub en: String,
}

impl EntryProblem {
    /// A problem with `field` of the entry for `record`, in both languages.
    pub fn new(record: impl Into<RecordRef>, field: &'static str, vi: &str, en: &str) -> Self {
        Self { record: record.into(), field, vi: vi.to_owned(), en: en.to_owned() }
    }

    /// An entry whose `field` does not hold a student's id.
    pub fn not_a_student(record: impl Into<RecordRef>, field: &'static str) -> Self {
        Self::new(record, field, "không phải mã học sinh", "not a student id")
    }
}

impl ApiError {
    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated | Self::SessionEndedByReuse => "UNAUTHENTICATED",
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::Throttled | Self::Busy | Self::VendorLimited { .. } => "THROTTLED",
            Self::SharingCapReached => "FORBIDDEN",
            Self::BadInput { .. } | Self::InvalidEntries(_) => "BAD_USER_INPUT",
            Self::Conflict { .. } => "CONFLICT",
            Self::Locked => "LOCKED",
            Self::NotPermitted => "FORBIDDEN",
            Self::Unavailable | Self::Unrecorded => "UNAVAILABLE",
            Self::Internal => "INTERNAL",
            Self::BadRequest { .. } => "BAD_REQUEST",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::NotAcceptable => "NOT_ACCEPTABLE",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
        }
    }

    /// Why, more precisely than the code, for the codes that have several causes
    /// (`extensions.reason`).
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            Self::SessionEndedByReuse => Some("REFRESH_TOKEN_REUSED"),
            Self::Busy => Some("BUSY"),
            Self::VendorLimited { .. } => Some("VENDOR_RATE"),
            Self::SharingCapReached => Some("SHARING_CAP"),
            _ => None,
        }
    }

    /// The message shown to the client, in Vietnamese and English.
    // Long on purpose: one table with an arm per error, each holding its two sentences, read
    // and reviewed side by side; splitting it would only scatter the wording.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated => {
                "Chưa đăng nhập hoặc phiên đã hết hạn / not signed in, or the session has expired".to_owned()
            }
            Self::SessionEndedByReuse => {
                "Phiên đăng nhập đã bị kết thúc vì mã làm mới phiên được dùng hai lần (có thể \
                                          đã bị đánh cắp), hãy đăng nhập lại / the session was ended because its \
                                          refresh token was used twice (it may have been stolen), sign in again"
                    .to_owned()
            }
            Self::InvalidCredentials => "Sai tên đăng nhập hoặc mật khẩu / wrong username or password".to_owned(),
            Self::Throttled => {
                "Đăng nhập sai quá nhiều lần, hãy thử lại sau / too many failed sign-ins, try again later".to_owned()
            }
            Self::Busy => {
                "Máy chủ đang bận, hãy thử đăng nhập lại sau giây lát / the server is busy, try signing in again in a \
                 moment"
                    .to_owned()
            }
            Self::VendorLimited { retry_after_secs } => format!(
                "Ứng dụng gửi quá nhiều yêu cầu, hãy thử lại sau {retry_after_secs} giây / the client made too many \
                 requests, try again in {retry_after_secs} s"
            ),
            Self::SharingCapReached => "Đã đạt giới hạn số học sinh được chia sẻ trong ngày của thỏa thuận; không có \
                                        gì được hiển thị và thỏa thuận tạm dừng đến hết ngày / the sharing \
                                        agreement's daily cap of students is reached: nothing is shown, and the \
                                        agreement shares nothing more today"
                .to_owned(),
            Self::BadInput { vi, en } => format!("Dữ liệu không hợp lệ: {vi} / invalid input: {en}"),
            Self::InvalidEntries(problems) => invalid_entries(problems),
            Self::Conflict { records } => format!(
                "{n} mục đã bị người khác sửa sau khi bạn tải, không có gì được lưu; hãy tải lại / \
                 {n} entries were changed by someone else since you loaded them, nothing was saved; reload them",
                n = records.len()
            ),
            Self::Locked => "Sổ đã khóa: thay đổi cần lý do và sự phê duyệt của hiệu trưởng, không có gì được lưu / \
                             the book is locked: a change needs a reason and the principal's approval, nothing was \
                             saved"
                .to_owned(),
            Self::NotPermitted => "Không tồn tại hoặc bạn không có quyền thay đổi / \
                                   does not exist, or you may not change it"
                .to_owned(),
            Self::Unavailable => {
                "Dịch vụ tạm thời không sẵn sàng (cơ sở dữ liệu không trả lời), vui lòng thử lại sau / \
                                  the service is temporarily unavailable (the database does not answer), please try \
                                  again later"
                    .to_owned()
            }
            Self::Unrecorded => {
                "Không ghi được nhật ký truy cập nên dữ liệu không được hiển thị; thay đổi bạn gửi (nếu \
                                 có) có thể đã được lưu, hãy tải lại / the disclosure log could not be written, so the \
                                 data is withheld; a change you sent may have been saved, reload before trying again"
                    .to_owned()
            }
            Self::Internal => "Lỗi hệ thống, vui lòng thử lại / internal error, please try again".to_owned(),
            Self::BadRequest { vi, en } => format!("Yêu cầu không hợp lệ: {vi} / bad request: {en}"),
            Self::MethodNotAllowed => "Phương thức không được phép: GET chỉ dùng cho truy vấn (query), mọi yêu cầu \
                                       khác gửi bằng POST / method not allowed: GET is for queries only, send \
                                       everything else with POST"
                .to_owned(),
            Self::UnsupportedMediaType => "Nội dung yêu cầu phải là JSON (Content-Type: application/json, UTF-8) / \
                                           the request body must be JSON (Content-Type: application/json, UTF-8)"
                .to_owned(),
            Self::NotAcceptable => "Máy chủ chỉ trả lời bằng application/graphql-response+json hoặc \
                                    application/json / the server answers only in \
                                    application/graphql-response+json or application/json"
                .to_owned(),
            Self::PayloadTooLarge => "Yêu cầu quá lớn / the request is too large".to_owned(),
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

/// The message of a refused batch: how many entries were wrong and, for each, its field and
/// problem, in Vietnamese and English.
fn invalid_entries(problems: &[EntryProblem]) -> String {
    let (vi, en): (Vec<String>, Vec<String>) = problems
        .iter()
        .map(|problem| (format!("{}: {}", problem.field, problem.vi), format!("{}: {}", problem.field, problem.en)))
        .unzip();
    format!(
        "{} mục không hợp lệ, không có gì được lưu: {} / {} invalid entries, nothing was saved: {}",
        problems.len(),
        vi.join("; "),
        problems.len(),
        en.join("; ")
    )
}

impl From<sea_orm::DbErr> for ApiError {
    /// A database that does not answer is [`ApiError::Unavailable`] (logged as a warning);
    /// any other database error is internal.
    fn from(error: sea_orm::DbErr) -> Self {
        if crate::db::is_unavailable(&error) {
            tracing::warn!(%error, "the database is unavailable");
            Self::Unavailable
        } else {
            Self::internal(error)
        }
    }
}

impl From<crate::auth::AuthError> for ApiError {
    fn from(error: crate::auth::AuthError) -> Self {
        match error {
            crate::auth::AuthError::InvalidCredentials => Self::InvalidCredentials,
            crate::auth::AuthError::Throttled => Self::Throttled,
            crate::auth::AuthError::Busy => Self::Busy,
            crate::auth::AuthError::Unauthenticated => Self::Unauthenticated,
            crate::auth::AuthError::RefreshReused => Self::SessionEndedByReuse,
            crate::auth::AuthError::Database(error) => Self::from(error),
            crate::auth::AuthError::Hashing(error) => Self::internal(error),
        }
    }
}

/// Result type of resolvers.
pub type ApiResult<T> = Result<T, ApiError>;
