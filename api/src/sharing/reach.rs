//! What a vendor's access token reaches today, loaded on every request: the token (not
//! expired), its client (active), the client's agreements in force and the places they
//! cover. Each agreement shares the kinds of its field groups that the token's scopes cover
//! (the scopes it was granted and the agreement names): one [`Share`] per agreement and
//! kind. An agreement blocked today (its daily cap was crossed, `cap.rs`) gives nothing, and
//! a token left with only blocked agreements is refused as capped (`guard.rs`). A token none
//! of whose agreements gives it anything today does not sign in, so an agreement that ended
//! or a suspended client ends access at the next request.

use super::agreements::in_force;
use super::clients::ACTIVE;
use super::scopes::kinds_of;
use crate::auth::Principal;
use crate::auth::vendor::{Agreement, Share, Vendor};
use chrono::{DateTime, Utc};
use emis_authz::{Kind, Role};
use entity::{section, sharing_agreement, sharing_agreement_place, vendor_client, vendor_token};
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The principal of the vendor's token whose hash is `access_hash`, at `now`; `None` for an
/// unknown or expired token, a suspended client, or a token nothing in force today shares
/// anything with.
pub async fn principal(
    db: &impl ConnectionTrait,
    access_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Principal>, DbErr> {
    let today = crate::clock::date_in_vietnam(now);
    let token = vendor_token::Entity::find()
        .filter(vendor_token::Column::TokenHash.eq(access_hash))
        .filter(vendor_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    let Some(token) = token else { return Ok(None) };
    let client = vendor_client::Entity::find_by_id(token.vendor_client_id).one(db).await?;
    if client.is_none_or(|client| client.status != ACTIVE) {
        return Ok(None);
    }
    let agreements: Vec<sharing_agreement::Model> = sharing_agreement::Entity::find()
        .filter(sharing_agreement::Column::VendorClientId.eq(token.vendor_client_id))
        .all(db)
        .await?
        .into_iter()
        .filter(|agreement| in_force(agreement, today))
        .collect();
    let ids: Vec<i64> = agreements.iter().map(|agreement| agreement.id).collect();
    let blocked = super::cap::blocked(db, &ids, today).await?;
    let (blocked, agreements): (Vec<_>, Vec<_>) =
        agreements.into_iter().partition(|agreement| blocked.contains(&agreement.id));
    let places = sharing_agreement_place::Entity::find()
        .filter(sharing_agreement_place::Column::AgreementId.is_in(agreements.iter().map(|a| a.id)))
        .all(db)
        .await?;
    let classes: BTreeSet<i64> = places.iter().filter_map(|place| place.class_id).collect();
    let sections: Vec<(i64, i64)> = section::Entity::find()
        .select_only()
        .columns([section::Column::Id, section::Column::ClassId])
        .filter(section::Column::ClassId.is_in(classes))
        .into_tuple()
        .all(db)
        .await?;
    let scopes: BTreeSet<String> = token.scopes.split_whitespace().map(str::to_owned).collect();
    let mut vendor = Vendor { client: token.vendor_client_id, token: token.id, scopes, ..Vendor::default() };
    vendor.blocked = blocked.iter().map(|agreement| agreement.id).collect();
    for agreement in &agreements {
        let kinds = shared_kinds(agreement, &vendor.scopes);
        if kinds.is_empty() {
            continue;
        }
        let share = share_of(agreement, &places, &sections);
        let schools = share.schools.union(&share.class_schools).copied().collect();
        let cap = agreement.daily_student_cap.and_then(|cap| u32::try_from(cap).ok());
        vendor.agreements.push(Agreement { id: agreement.id, purpose: agreement.purpose.clone(), schools, cap });
        for kind in kinds {
            vendor.shares.entry(kind).or_default().push(share.clone());
        }
    }
    if vendor.shares.is_empty() && vendor.blocked.is_empty() {
        return Ok(None);
    }
    let mut principal = Principal::anonymous(today);
    principal.roles.insert(Role::Vendor, BTreeSet::new());
    principal.vendor = Some(Arc::new(vendor));
    Ok(Some(principal))
}

/// The kinds `agreement` shares with a token granted `granted`: its field groups that a
/// scope both name covers.
fn shared_kinds(agreement: &sharing_agreement::Model, granted: &BTreeSet<String>) -> BTreeSet<Kind> {
    let groups: BTreeSet<Kind> =
        agreement.field_groups.split(',').filter_map(|group| group.trim().parse().ok()).collect();
    agreement
        .scopes
        .split_whitespace()
        .filter(|scope| granted.contains(*scope))
        .flat_map(kinds_of)
        .filter(|kind| groups.contains(kind))
        .copied()
        .collect()
}

/// The places `agreement` covers, with the sections of its classes (`sections`: id, class).
fn share_of(
    agreement: &sharing_agreement::Model,
    places: &[sharing_agreement_place::Model],
    sections: &[(i64, i64)],
) -> Share {
    let mut share = Share {
        agreement: agreement.id,
        consent: agreement.consent_required.then(|| agreement.purpose.clone()),
        ..Share::default()
    };
    for place in places.iter().filter(|place| place.agreement_id == agreement.id) {
        match place.class_id {
            None => {
                share.schools.insert(place.school_id);
            }
            Some(class) => {
                share.classes.insert(class);
                share.class_schools.insert(place.school_id);
            }
        }
    }
    share.sections = sections.iter().filter(|(_, class)| share.classes.contains(class)).map(|(id, _)| *id).collect();
    share
}
