//! Weighing every GraphQL request before any other work. The document is weighed as it
//! will execute ([`walk`]): fragments expanded without materialising the expansion, each
//! list field multiplied by its page size or its known bound ([`bounds`]), aliases counted.
//! The weight is about the number of values the answer can hold. A request is refused,
//! before authentication, validation or execution, when it weighs more than the ceiling
//! (`TOO_COSTLY`) or, without a bearer token, more than the much lower ceiling of what
//! needs no sign-in (`UNAUTHENTICATED`: signing in weighs 5), nests data
//! deeper than the depth ceiling, asks introspection for more than twice (or deeper than)
//! what GraphiQL's own schema query asks, holds a fragment cycle or an Int literal out of
//! range, or signs in (or refreshes a session) more than once. The time and memory this
//! takes are proportional to the document's size.

pub mod bounds;
pub mod introspection;
pub mod shape;
pub mod walk;
pub mod weighed;

use crate::config::Config;
use async_graphql::ErrorExtensions as _;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerError, Variables};
use shape::Shape;
use walk::{Walk, Weight};

/// The introspection query GraphiQL sends to load its schema (graphql-js'
/// `getIntrospectionQuery`), the measure of what introspection may ask.
pub const GRAPHIQL_INTROSPECTION: &str = include_str!("../../../../tests/fixtures/graphiql-introspection.graphql");

/// The mutations that check a password or a code against the sign-in throttle: one of
/// them per request at most.
pub const SIGN_IN_FIELDS: &[&str] =
    &["signIn", "activateAccount", "resetPassword", "requestPasswordReset", "changePassword"];

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    TooCostly {
        cost: u64,
        ceiling: u64,
    },
    TooDeep {
        depth: u64,
        ceiling: u64,
    },
    TooManySignIns,
    /// Over the ceiling without a token, within it once signed in.
    SignInNeeded,
    FragmentCycle(String),
    IntOutOfRange(String),
}

impl Refusal {
    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooCostly { .. } => "TOO_COSTLY",
            Self::TooDeep { .. } => "TOO_DEEP",
            Self::TooManySignIns => "TOO_MANY_SIGN_INS",
            Self::SignInNeeded => crate::error::ApiError::Unauthenticated.code(),
            Self::FragmentCycle(_) | Self::IntOutOfRange(_) => "BAD_USER_INPUT",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::TooCostly { cost, ceiling } => format!(
                "Yêu cầu quá lớn: nặng {cost}, tối đa {ceiling}; hãy chia nhỏ hoặc lấy ít trang hơn / \
                 the request is too costly: it weighs {cost}, the ceiling is {ceiling}; split it or ask for smaller pages"
            ),
            Self::TooDeep { depth, ceiling } => format!(
                "Yêu cầu lồng quá sâu: {depth} tầng, tối đa {ceiling} / the request is nested too deep: {depth} levels, the ceiling is {ceiling}"
            ),
            Self::TooManySignIns => {
                "Mỗi yêu cầu chỉ được một lần đăng nhập (signIn, hay kích hoạt, đặt lại, đổi mật khẩu) và một \
                 lần làm mới phiên (refreshSession) / one signIn (or activation, password reset or change) and one \
                 refreshSession per request at most"
                    .to_owned()
            }
            Self::SignInNeeded => crate::error::ApiError::Unauthenticated.message(),
            Self::FragmentCycle(name) => format!(
                "Dữ liệu không hợp lệ: fragment {name} tự lồng vào chính nó / invalid input: fragment {name} spreads itself"
            ),
            Self::IntOutOfRange(argument) => format!(
                "Dữ liệu không hợp lệ: {argument} vượt quá phạm vi số nguyên 32 bit / invalid input: {argument} is out of the 32-bit Int range"
            ),
        }
    }

    /// The error the client receives, with the cost or depth and the ceiling.
    pub fn into_server_error(self) -> ServerError {
        let code = self.code();
        let (measure, ceiling) = match &self {
            Self::TooCostly { cost, ceiling } => (Some(("cost", *cost)), Some(*ceiling)),
            Self::TooDeep { depth, ceiling } => (Some(("depth", *depth)), Some(*ceiling)),
            _ => (None, None),
        };
        let error = async_graphql::Error::new(self.message()).extend_with(|_, extensions| {
            extensions.set("code", code);
            if let (Some((name, value)), Some(ceiling)) = (measure, ceiling) {
                extensions.set(name, value);
                extensions.set("ceiling", ceiling);
            }
        });
        // The whole document is refused: the error points at no place in it.
        let mut server_error = ServerError::new(error.message, None);
        server_error.extensions = error.extensions;
        server_error
    }
}

/// The ceilings a request is weighed against.
#[derive(Debug, Clone, Copy)]
pub struct Ceilings {
    pub signed_in: u64,
    pub anonymous: u64,
    pub depth: u64,
    pub introspection: u64,
    pub introspection_depth: u64,
}

/// Weighs requests against the schema's shape and the configured ceilings.
pub struct Weigher {
    shape: Shape,
    pub ceilings: Ceilings,
}

impl Weigher {
    /// The weigher of this schema under `config`.
    pub fn new(config: &Config) -> Self {
        let shape = Shape::from_sdl(&crate::graphql::sdl());
        let graphiql = async_graphql::parser::parse_query(GRAPHIQL_INTROSPECTION)
            .ok()
            .and_then(|document| weigh_document(&shape, &document, &Variables::default()).ok())
            .unwrap_or_default();
        let ceilings = Ceilings {
            signed_in: config.max_complexity as u64,
            anonymous: config.max_complexity_anonymous,
            depth: config.max_depth as u64,
            introspection: graphiql.introspection.saturating_mul(2),
            introspection_depth: graphiql.introspection_depth,
        };
        Self { shape, ceilings }
    }

    /// Weighs `request`, parsing it first if needed, and refuses it when it is over the
    /// ceilings of a caller who is (or is not) `signed_in`. A query that does not parse is
    /// left for the schema to report.
    pub fn check(&self, request: &mut async_graphql::Request, signed_in: bool) -> Result<(), ServerError> {
        let variables = request.variables.clone();
        let Ok(document) = request.parsed_query() else { return Ok(()) };
        let weight = weigh_document(&self.shape, document, &variables).map_err(Refusal::into_server_error)?;
        self.judge(weight, signed_in).map_err(Refusal::into_server_error)
    }

    /// Whether `weight` is within the ceilings.
    pub fn judge(&self, weight: Weight, signed_in: bool) -> Result<(), Refusal> {
        let ceilings = &self.ceilings;
        if weight.sign_ins > 1 || weight.refreshes > 1 {
            return Err(Refusal::TooManySignIns);
        }
        if weight.cost > ceilings.signed_in {
            return Err(Refusal::TooCostly { cost: weight.cost, ceiling: ceilings.signed_in });
        }
        if !signed_in && weight.cost > ceilings.anonymous {
            return Err(Refusal::SignInNeeded);
        }
        if weight.introspection > ceilings.introspection {
            return Err(Refusal::TooCostly { cost: weight.introspection, ceiling: ceilings.introspection });
        }
        if weight.depth > ceilings.depth {
            return Err(Refusal::TooDeep { depth: weight.depth, ceiling: ceilings.depth });
        }
        if weight.introspection_depth > ceilings.introspection_depth {
            return Err(Refusal::TooDeep { depth: weight.introspection_depth, ceiling: ceilings.introspection_depth });
        }
        Ok(())
    }

    /// The weight of `document`, for tests and measurements.
    pub fn weigh(&self, document: &ExecutableDocument, variables: &Variables) -> Result<Weight, Refusal> {
        weigh_document(&self.shape, document, variables)
    }
}

/// The weight of the heaviest operation of `document`.
fn weigh_document(shape: &Shape, document: &ExecutableDocument, variables: &Variables) -> Result<Weight, Refusal> {
    let mut walk = Walk::new(shape, document);
    let mut heaviest = Weight::default();
    for operation in walk::operations(document) {
        heaviest = heaviest.max(walk.operation(&operation.node, variables)?);
    }
    Ok(heaviest)
}

#[cfg(test)]
mod tests;
