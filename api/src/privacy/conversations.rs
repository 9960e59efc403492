//! What a conversation's rows (`Shape::Conversation`) add to the policy. The policy decides
//! whether the caller may hold a conversation about the child at all (`message` under
//! `guardian_of`, `homeroom_of`, `teaches_section`…); on top of that, for `read` and `write`
//! the caller must be a member of this one conversation, and for `moderate` the conversation
//! must have been reported. Any other action reaches no conversation. The same rule is
//! compiled twice, as everywhere in this layer: into SQL (a sub-select of the conversations
//! the caller is in, or of those reported) and, for the per-record check, into a set loaded
//! once per request from the same table; the agreement test compares the two.

use super::Access;
use super::sql::never;
use emis_authz::Action;
use entity::{conversation_member, message_report};
use sea_orm::sea_query::{Expr, ExprTrait as _, Query, SelectStatement};
use sea_orm::{ColumnTrait as _, Condition, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::collections::BTreeSet;

/// Which conversations an action on a conversation's rows needs the caller to be party to.
enum Party {
    /// Those the caller is a member of, as this account.
    Member { kind: &'static str, id: i64 },
    /// Those reported as abusive.
    Reported,
    /// None.
    Nobody,
}

impl Access {
    fn party_for(&self, action: Action) -> Party {
        let account = self.principal().account.filter(|account| matches!(account.kind(), "staff" | "guardian"));
        match (action, account) {
            (Action::Read | Action::Write, Some(account)) => Party::Member { kind: account.kind(), id: account.id() },
            (Action::Moderate, _) => Party::Reported,
            _ => Party::Nobody,
        }
    }

    /// The SQL condition that `conversation` (a column) is one the caller is party to for
    /// `action`.
    pub(super) fn party_condition(&self, action: Action, conversation: &Expr) -> Condition {
        let among = match self.party_for(action) {
            Party::Member { kind, id } => members(kind, id),
            Party::Reported => reported(),
            Party::Nobody => return never(),
        };
        Condition::all().add(conversation.clone().in_subquery(among))
    }

    /// Whether the caller is party to `conversation` for `action`, by the sets this request
    /// loaded.
    pub(super) async fn party(&self, action: Action, conversation: i64) -> Result<bool, DbErr> {
        let set: &BTreeSet<i64> = match self.party_for(action) {
            Party::Member { kind, id } => {
                self.sets
                    .member_of
                    .get_or_try_init(|| async {
                        let ids: Vec<i64> = conversation_member::Entity::find()
                            .select_only()
                            .column(conversation_member::Column::ConversationId)
                            .filter(conversation_member::Column::AccountKind.eq(kind))
                            .filter(conversation_member::Column::AccountId.eq(id))
                            .into_tuple()
                            .all(&self.db)
                            .await?;
                        Ok::<_, DbErr>(ids.into_iter().collect())
                    })
                    .await?
            }
            Party::Reported => {
                self.sets
                    .reported
                    .get_or_try_init(|| async {
                        let ids: Vec<i64> = message_report::Entity::find()
                            .select_only()
                            .column(message_report::Column::ConversationId)
                            .into_tuple()
                            .all(&self.db)
                            .await?;
                        Ok::<_, DbErr>(ids.into_iter().collect())
                    })
                    .await?
            }
            Party::Nobody => return Ok(false),
        };
        Ok(set.contains(&conversation))
    }
}

/// The conversations account `kind`/`id` is a member of.
fn members(kind: &'static str, id: i64) -> SelectStatement {
    Query::select()
        .column(conversation_member::Column::ConversationId)
        .from(conversation_member::Entity)
        .and_where(Expr::col((conversation_member::Entity, conversation_member::Column::AccountKind)).eq(kind))
        .and_where(Expr::col((conversation_member::Entity, conversation_member::Column::AccountId)).eq(id))
        .to_owned()
}

/// The conversations reported as abusive.
fn reported() -> SelectStatement {
    Query::select().column(message_report::Column::ConversationId).from(message_report::Entity).to_owned()
}
