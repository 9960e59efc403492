//! What must reach every instance. On PostgreSQL, triggers announce on the `emis_signal`
//! channel (`pg_notify`, sent when the writing transaction commits): a family notification
//! (`g:<guardian id>`), a staff notification (`s:<staff id>`), a session ended
//! (`a:<account kind>:<account id>`), a guardian's link to a child changed
//! (`a:guardian:<guardian id>`), and a policy version applied (`p:<version>`). Every
//! instance listens, so no open subscription polls. On SQLite (one machine) the server scans
//! the tables instead; the index on `auth_session.revoked_at` serves that scan of ended
//! sessions.

use crate::columns::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (trigger, table, event and condition, the payload's expression).
const TRIGGERS: [(&str, &str, &str, &str); 5] = [
    ("emis_signal_notification", "notification", "AFTER INSERT", "'g:' || NEW.guardian_id"),
    ("emis_signal_staff_notification", "staff_notification", "AFTER INSERT", "'s:' || NEW.staff_id"),
    (
        "emis_signal_session_end",
        "auth_session",
        "AFTER UPDATE OF revoked_at",
        "'a:' || NEW.account_kind || ':' || NEW.account_id",
    ),
    ("emis_signal_guardianship", "guardianship", "AFTER UPDATE OR DELETE", "'a:guardian:' || OLD.guardian_id"),
    ("emis_signal_policy", "policy_change", "AFTER INSERT", "'p:' || NEW.version"),
];

/// The `WHEN` of a trigger, if it has one.
fn when(trigger: &str) -> &'static str {
    match trigger {
        "emis_signal_session_end" => "WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL)",
        "emis_signal_policy" => "WHEN (NEW.outcome = 'applied')",
        _ => "",
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("auth_session", &["revoked_at"], false)).await?;
        let db = manager.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for (trigger, table, event, payload) in TRIGGERS {
            db.execute_unprepared(&format!(
                "CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN PERFORM pg_notify('emis_signal', {payload}); RETURN NULL; END $$; \
                 CREATE TRIGGER {trigger} {event} ON {table} FOR EACH ROW {when} \
                 EXECUTE FUNCTION {trigger}()",
                when = when(trigger)
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            for (trigger, table, _, _) in TRIGGERS {
                db.execute_unprepared(&format!("DROP TRIGGER {trigger} ON {table}; DROP FUNCTION {trigger}()")).await?;
            }
        }
        manager.drop_index(Index::drop().name("ix_auth_session_revoked_at").table("auth_session").to_owned()).await
    }
}
