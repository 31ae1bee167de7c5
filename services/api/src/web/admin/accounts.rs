//! `/admin/accounts`: create with a one-time password shown once, change a role and its
//! countries, disable, enable again.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::Response;
use safeguards_app::accounts::{self, AccountOut, NewAccount};
use safeguards_app::{AppError, AppResult, Caller};
use safeguards_domain::values::{
    parse_as, parse_word, AccountId, CountryCode, Email, FieldError, Role, Title,
};
use strum::VariantArray;

use super::super::{form_text, Field, FormFields, FormView, Signed, Visit};
use crate::api::schema::{list, max};
use crate::web::i18n::Texts;
use crate::AppState;

use super::{run, show, Admin};

/// `GET /admin/accounts`.
pub async fn accounts_page(State(state): State<AppState>, visit: Visit, parts: Parts) -> Response {
    show(state, visit, parts, Admin::Accounts).await
}

/// The forms of the accounts page.
pub(super) fn forms(t: &'static Texts, accounts: &[AccountOut]) -> Vec<FormView> {
    let mut forms = vec![FormView::new(
        "create",
        t.create_account,
        vec![
            Field::new("email", t.email, "email"),
            Field::new("name", t.name, "text"),
            Field::new("role", t.role, "text").choices(roles(t)),
            Field::new("countries", t.countries_codes, "text").optional(),
        ],
    )];
    for a in accounts.iter().filter(|a| !a.disabled) {
        forms.push(
            FormView::new(
                format!("{}/role", a.id),
                t.change_role,
                vec![
                    Field::new("role", t.role, "text")
                        .choices(roles(t))
                        .with_value(<&str>::from(a.role)),
                    Field::new("countries", t.countries_codes, "text")
                        .optional()
                        .with_value(a.countries.iter().cloned().collect::<Vec<_>>().join(", ")),
                ],
            )
            .secondary(),
        );
        if a.second_factor {
            forms.push(
                FormView::new(
                    format!("{}/second-factor/reset", a.id),
                    t.reset_second_factor,
                    vec![Field::new("reason", t.reset_reason, "text")],
                )
                .secondary(),
            );
        }
        let (only, label) = if a.organisation_only {
            ("off", t.organisation_only_off)
        } else {
            ("on", t.organisation_only)
        };
        forms.push(
            FormView::new(format!("{}/organisation-only/{only}", a.id), label, vec![]).secondary(),
        );
        if a.organisation_linked {
            forms.push(
                FormView::new(
                    format!("{}/organisation/unlink", a.id),
                    t.organisation_unlink,
                    vec![],
                )
                .secondary(),
            );
        }
        forms.push(FormView::new(format!("{}/disable", a.id), t.disable, vec![]).secondary());
    }
    for a in accounts.iter().filter(|a| a.disabled) {
        forms.push(FormView::new(format!("{}/enable", a.id), t.enable, vec![]).secondary());
    }
    forms
}

fn roles(t: &'static Texts) -> Vec<(String, String)> {
    Role::VARIANTS
        .iter()
        .map(|r| {
            let word: &'static str = (*r).into();
            (
                word.to_string(),
                crate::web::i18n::role_word(t, word).to_string(),
            )
        })
        .collect()
}

/// Country codes as typed: separated by commas or spaces, in any case.
pub(super) fn country_codes(raw: &str) -> Result<Vec<CountryCode>, FieldError> {
    let codes: Vec<String> = super::super::items(raw)
        .iter()
        .map(|c| c.to_ascii_uppercase())
        .collect();
    list("countries", &codes, max::COUNTRIES, CountryCode::parse)
}

/// The countries field of a form.
fn countries(form: &FormFields) -> Result<Vec<CountryCode>, FieldError> {
    country_codes(&form_text(form, "countries").unwrap_or_default())
}

/// `POST /admin/accounts/create`: a new account with a password made for it, shown once.
pub async fn create_account(
    State(state): State<AppState>,
    visit: Visit,
    Signed(form): Signed<FormFields>,
) -> Response {
    let call = async |caller: &Caller| {
        let email = parse_as(
            "email",
            &form_text(&form, "email").unwrap_or_default(),
            Email::parse,
        )?;
        let new = NewAccount {
            name: Title::parse_field("name", &form_text(&form, "name").unwrap_or_default())?,
            role: parse_word("role", &form_text(&form, "role").unwrap_or_default())?,
            countries: countries(&form)?,
            password: None,
            email: email.clone(),
        };
        let created = accounts::create(&state.app, caller, new).await?;
        Ok(created
            .generated_password
            .map(|p| (email.as_str().to_string(), p)))
    };
    run(
        &state,
        &visit,
        Admin::Accounts,
        "create".into(),
        &form,
        call,
    )
    .await
}

fn account_id(raw: &str) -> AppResult<AccountId> {
    AccountId::parse(raw).map_err(|_| AppError::not_found("no account has this id"))
}

admin_form! {
    /// `POST /admin/accounts/{id}/role`: the role and, for a focal point, the countries.
    change_role, Admin::Accounts, "role", |state, form, caller, raw| {
        let role = parse_word("role", &form_text(&form, "role").unwrap_or_default())?;
        let countries = Some(countries(&form)?);
        accounts::change_role(&state.app, caller, account_id(&raw)?, role, countries).await?;
    }
}

admin_form! {
    /// `POST /admin/accounts/{id}/disable`.
    disable_account, Admin::Accounts, "disable", |state, form, caller, raw| {
        accounts::disable(&state.app, caller, account_id(&raw)?).await?;
    }
}

admin_form! {
    /// `POST /admin/accounts/{id}/enable`: a disabled account may sign in again.
    enable_account, Admin::Accounts, "enable", |state, form, caller, raw| {
        accounts::enable(&state.app, caller, account_id(&raw)?).await?;
    }
}

admin_form! {
    /// `POST /admin/accounts/{id}/second-factor/reset`: the account's second factor is removed,
    /// with the reason; its sessions end.
    reset_second_factor, Admin::Accounts, "second-factor/reset", |state, form, caller, raw| {
        let reason = Title::parse_field("reason", &form_text(&form, "reason").unwrap_or_default())?;
        safeguards_app::second_factor::reset(&state.app, caller, account_id(&raw)?, reason).await?;
    }
}

admin_form! {
    /// `POST /admin/accounts/{id}/organisation-only/on`: the account signs in only with the
    /// organisation's account.
    organisation_only_on, Admin::Accounts, "organisation-only/on", |state, form, caller, raw| {
        safeguards_app::organisation::set_only(&state.app, caller, account_id(&raw)?, true).await?;
    }
}

admin_form! {
    /// `POST /admin/accounts/{id}/organisation-only/off`: the account's password works again.
    organisation_only_off, Admin::Accounts, "organisation-only/off", |state, form, caller, raw| {
        safeguards_app::organisation::set_only(&state.app, caller, account_id(&raw)?, false).await?;
    }
}

admin_form! {
    /// `POST /admin/accounts/{id}/organisation/unlink`.
    unlink_organisation, Admin::Accounts, "organisation/unlink", |state, form, caller, raw| {
        safeguards_app::organisation::unlink(&state.app, caller, account_id(&raw)?).await?;
    }
}
