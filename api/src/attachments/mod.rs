//! Files attached to what a school publishes: uploaded once over plain HTTP
//! (`POST /attachments`), checked ([`kinds`]: the type is read from the bytes, and only
//! documents and images are taken), kept through a [`store::Store`] (the database by
//! default, a folder, or an S3-compatible store by configuration), attached to one notice
//! when it is published, and downloaded (`GET /attachments/{id}`) by whoever may read that
//! notice and its attachments — anyone else, with a guessed id or not, gets the answer a
//! missing file gets ([`files`], [`routes`]).

pub mod files;
pub mod kinds;
pub mod routes;
mod settings;
pub mod store;

pub use settings::Settings;
