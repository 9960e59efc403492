//! The gradebook service's reads under `/ims/oneroster/gradebook/v1p2/`: categories, line
//! items (the assessment columns of sections) and results, with their nested forms
//! (`/classes/{id}/lineItems`, `/schools/{id}/lineItems`, `/classes/{id}/results`,
//! `/classes/{id}/lineItems/{inner}/results`, `/classes/{id}/students/{inner}/results`,
//! `/lineItems/{id}/results`), the primary summary book's evaluations among them
//! (`primary.rs`). A class in a path is a section (scheduled class) or a homeroom class,
//! whose sections it stands for.

mod categories;
mod items;
mod primary;
mod reach;
mod results;

use super::objects::GRADEBOOK;
use super::served;
use crate::state::AppState;
use axum::Router;
use futures::FutureExt as _;
use std::sync::Arc;

/// The gradebook routes.
pub fn routes() -> Router<Arc<AppState>> {
    let at = |path: &str| format!("{GRADEBOOK}{path}");
    Router::new()
        .route(&at("/results"), served(|asked| results::results(asked).boxed()))
        .route(&at("/results/{id}"), served(|asked| results::result_by_id(asked).boxed()))
        .route(&at("/classes/{id}/results"), served(|asked| results::results_of_class(asked).boxed()))
        .route(
            &at("/classes/{id}/lineItems/{inner}/results"),
            served(|asked| results::results_of_line_item_in_class(asked).boxed()),
        )
        .route(
            &at("/classes/{id}/students/{inner}/results"),
            served(|asked| results::results_of_student_in_class(asked).boxed()),
        )
        .route(&at("/lineItems/{id}/results"), served(|asked| results::results_of_line_item(asked).boxed()))
        .route(&at("/lineItems"), served(|asked| items::line_items(asked).boxed()))
        .route(&at("/lineItems/{id}"), served(|asked| items::line_item_by_id(asked).boxed()))
        .route(&at("/classes/{id}/lineItems"), served(|asked| items::line_items_of_class(asked).boxed()))
        .route(&at("/schools/{id}/lineItems"), served(|asked| items::line_items_of_school(asked).boxed()))
        .route(&at("/categories"), served(|asked| categories::categories(asked).boxed()))
        .route(&at("/categories/{id}"), served(|asked| categories::category_by_id(asked).boxed()))
}
