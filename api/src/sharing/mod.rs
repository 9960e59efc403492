//! Sharing with vendors: the clients a school or an office registers for the vendors it
//! shares records with ([`clients`]), the sharing agreements that say what each may reach,
//! for which purpose and until when ([`agreements`], with the privacy officer's list of
//! [`purposes`] and the [`scopes`] and field groups an agreement may name), and the tokens a
//! client obtains with its secret ([`tokens`], over [`oauth`]'s `POST /oauth/token`) and
//! what such a token reaches today ([`reach`]), narrowed by families' [`consent`] where an
//! agreement asks for it, and held to the [`limits`] of requests a minute and of students a
//! day ([`cap`]), which every request of a client passes ([`guard`]). Every write
//! asks the policy first (`sharing`/`write`), so what is out of reach answers exactly like
//! what is missing.

pub mod agreements;
pub mod cap;
pub mod clients;
pub mod consent;
pub mod guard;
pub mod limits;
pub mod oauth;
pub mod purposes;
pub mod reach;
pub mod scopes;
pub mod tokens;
