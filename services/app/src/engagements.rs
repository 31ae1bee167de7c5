//! An engagement with a country: opening it, its activities, DPI systems, focal points and
//! status. One engagement per country; its id is the country code.

use chrono::NaiveDate;
use safeguards_domain::account::Account;
use safeguards_domain::engagement::{
    ActivityKind, Engagement, EngagementCommand, EngagementStatus,
};
use safeguards_domain::values::{
    AccountId, AuthorityCode, CountryCode, DpiSystemType, StageCode, Text, Title,
};
use safeguards_infra::Committed;

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
    if let EngagementCommand::AssignFocalPoint { account } = &command {
        if !app.load::<Account>(&account.to_string()).await?.exists() {
            return Err(AppError::not_found("no account has this id"));
        }
    }
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
    /// Make an account a focal point of the engagement (it must exist).
    assign_focal_point(account: AccountId) => EngagementCommand::AssignFocalPoint { account };
    /// Remove a focal point.
    remove_focal_point(account: AccountId) => EngagementCommand::RemoveFocalPoint { account };
    /// Change the engagement's status, with an optional reason.
    change_status(status: EngagementStatus, reason: Option<Text>) =>
        EngagementCommand::ChangeStatus { status, reason };
}
