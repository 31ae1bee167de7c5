//! An engagement with a country: opening it, its activities, DPI systems, focal points and
//! status. One engagement per country; its id is the country code.

use chrono::NaiveDate;
use safeguards_domain::account::{Account, AccountCommand};
use safeguards_domain::engagement::{
    ActivityKind, Engagement, EngagementCommand, EngagementStatus,
};
use safeguards_domain::values::{
    AccountId, AuthorityCode, CountryCode, DpiSystemType, Role, StageCode, Text, Title,
};
use safeguards_infra::Committed;
use safeguards_projections::model::EngagementView;

use crate::access::{authorize, Action, Caller};
use crate::error::{AppError, AppResult};
use crate::App;

/// Run an engagement command, authorized by what it does.
pub async fn execute(
    app: &App,
    caller: &Caller,
    country: CountryCode,
    command: EngagementCommand,
) -> AppResult<Committed> {
    let action = match &command {
        EngagementCommand::RecordActivity { .. } => Action::RecordActivity,
        _ => Action::ManageEngagement,
    };
    authorize(&caller.principal, action, Some(country.as_str()))?;
    app.execute::<Engagement>(caller, country.as_str(), command)
        .await
}

/// Open the engagement with `country`.
pub async fn open(
    app: &App,
    caller: &Caller,
    country: CountryCode,
    lead: Title,
    started_on: NaiveDate,
    dpi_systems: Vec<(DpiSystemType, StageCode)>,
) -> AppResult<Committed> {
    execute(
        app,
        caller,
        country,
        EngagementCommand::Open {
            country,
            lead,
            started_on,
            dpi_systems,
        },
    )
    .await
}

/// An activity held with a country.
#[derive(Debug, Clone)]
pub struct Activity {
    pub kind: ActivityKind,
    pub title: Title,
    pub held_on: NaiveDate,
    pub authorities: Vec<AuthorityCode>,
    pub note: Option<Text>,
}

/// Record an activity held with the country (a signed commitment letter moves `exploring` to
/// `committed`).
pub async fn record_activity(
    app: &App,
    caller: &Caller,
    country: CountryCode,
    activity: Activity,
) -> AppResult<Committed> {
    let Activity {
        kind,
        title,
        held_on,
        authorities,
        note,
    } = activity;
    execute(
        app,
        caller,
        country,
        EngagementCommand::RecordActivity {
            kind,
            title,
            held_on,
            authorities,
            note,
        },
    )
    .await
}

/// The typed use cases of an engagement, each a command for [`execute`].
macro_rules! commands {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) => $command:expr;)*) => {
        $(
            $(#[$doc])*
            pub async fn $name(
                app: &App,
                caller: &Caller,
                country: CountryCode,
                $($arg: $ty),*
            ) -> AppResult<Committed> {
                execute(app, caller, country, $command).await
            }
        )*
    };
}

commands! {
    /// Track a DPI system at a stage.
    add_dpi_system(system: DpiSystemType, stage: StageCode) =>
        EngagementCommand::AddDpiSystem { system, stage };
    /// Move a DPI system to another stage.
    move_dpi_system(system: DpiSystemType, stage: StageCode) =>
        EngagementCommand::MoveDpiSystem { system, stage };
    /// Change the engagement's status, with an optional reason.
    change_status(status: EngagementStatus, reason: Option<Text>) =>
        EngagementCommand::ChangeStatus { status, reason };
    /// Publish the country's record: its public pages (where they are on) and the open
    /// dataset from the next version.
    publish() => EngagementCommand::Publish;
    /// Take the record off the public pages and out of the next dataset versions.
    unpublish(reason: Option<Text>) => EngagementCommand::Unpublish { reason };
}

/// Make a focal-point account a focal point of the engagement: the country is granted to the
/// account, the one place where a focal point's right to act in a country is kept (so that
/// revoking it, here or with the account's role, ends it everywhere).
pub async fn assign_focal_point(
    app: &App,
    caller: &Caller,
    country: CountryCode,
    account: AccountId,
) -> AppResult<Committed> {
    authorize(
        &caller.principal,
        Action::ManageEngagement,
        Some(country.as_str()),
    )?;
    match app.load::<Engagement>(country.as_str()).await?.status() {
        None => {
            return Err(AppError::not_found(format!(
                "no engagement is open for {country}"
            )))
        }
        Some(EngagementStatus::Closed) => {
            return Err(AppError::conflict(safeguards_domain::reason!(
                "engagement-closed",
                "the engagement is closed"
            )))
        }
        Some(_) => {}
    }
    let state = app.load::<Account>(&account.to_string()).await?;
    if !state.exists() {
        return Err(AppError::not_found("no account has this id"));
    }
    if state.role() != Some(Role::FocalPoint) || state.is_disabled() {
        return Err(AppError::conflict(safeguards_domain::reason!(
            "enabled-focal-point-account-focal",
            "only an enabled focal-point account can be a focal point"
        )));
    }
    app.execute::<Account>(
        &Caller {
            if_match: None,
            ..caller.clone()
        },
        &account.to_string(),
        AccountCommand::GrantCountries {
            countries: vec![country],
        },
    )
    .await
    .map_err(|e| match e {
        AppError::Conflict(_) => AppError::conflict(safeguards_domain::reason!(
            "account-already-focal-point-engagement",
            "this account is already a focal point of the engagement"
        )),
        other => other,
    })
}

/// No longer let a focal point act in the engagement's country.
pub async fn remove_focal_point(
    app: &App,
    caller: &Caller,
    country: CountryCode,
    account: AccountId,
) -> AppResult<Committed> {
    authorize(
        &caller.principal,
        Action::ManageEngagement,
        Some(country.as_str()),
    )?;
    app.execute::<Account>(
        &Caller {
            if_match: None,
            ..caller.clone()
        },
        &account.to_string(),
        AccountCommand::RevokeCountries {
            countries: vec![country],
        },
    )
    .await
    .map_err(|e| match e {
        AppError::NotFound(_) => {
            AppError::not_found("this account is not a focal point of the engagement")
        }
        other => other,
    })
}

/// Every engagement.
pub async fn list(app: &App) -> Vec<EngagementView> {
    app.model().await.engagements.values().cloned().collect()
}

/// The engagement of `country`.
pub async fn get(app: &App, country: CountryCode) -> AppResult<EngagementView> {
    app.model()
        .await
        .engagements
        .get(country.as_str())
        .cloned()
        .ok_or_else(|| not_engaged(country))
}

/// The refusal of a country where no engagement is open.
pub fn not_engaged(country: CountryCode) -> AppError {
    AppError::not_found(format!("no engagement is open for {country}"))
}

/// The countries of ISO 3166-1 where no engagement is open yet (code, name).
pub async fn not_engaged_yet(app: &App) -> Vec<(String, String)> {
    let model = app.model().await;
    safeguards_domain::catalogue::countries()
        .iter()
        .filter(|c| !model.engagements.contains_key(&c.code))
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect()
}
