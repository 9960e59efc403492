//! The schema behind the weighing, for transports that hand requests to an executor
//! (subscriptions over WebSocket, whose connections are all signed in): every request,
//! query, mutation or subscription, is weighed before the schema sees it.

use super::Weigher;
use crate::graphql::EmisSchema;
use async_graphql::futures_util::stream::{self, BoxStream, StreamExt as _};
use async_graphql::{Data, Executor, Request, Response};
use std::sync::Arc;

/// The schema, weighing each request against the signed-in ceilings first.
#[derive(Clone)]
pub struct Weighed {
    pub schema: EmisSchema,
    pub weigher: Arc<Weigher>,
}

impl Executor for Weighed {
    async fn execute(&self, mut request: Request) -> Response {
        match self.weigher.check(&mut request, true) {
            Ok(()) => self.schema.execute(request).await,
            Err(error) => Response::from_errors(vec![error]),
        }
    }

    fn execute_stream(&self, mut request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        match self.weigher.check(&mut request, true) {
            Ok(()) => self.schema.execute_stream_with_session_data(request, session_data.unwrap_or_default()),
            Err(error) => stream::once(async move { Response::from_errors(vec![error]) }).boxed(),
        }
    }
}
