//! Server-rendered pages: the dashboard, a country's page with its burn-up chart and the forms
//! to move milestones, sign-in and the account page. No JavaScript; the same authorization as
//! the API; a session cookie (HttpOnly, SameSite=Lax, Secure over https) and a CSRF token on
//! every form.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::RngCore;
use safeguards_domain::milestone::MilestoneStatus;
use safeguards_domain::values::{PrincipleCode, Role};
use safeguards_projections::model::MilestoneView;
use safeguards_projections::{views, Tracker};

use crate::auth::{self, Principal};
use crate::error::ApiError;
use crate::extract::{correlation_id, Cmd};
use crate::i18n::{self, Texts};
use crate::routes::milestones::run_step;
use crate::AppState;

const SESSION: &str = "sg_session";
const LOGIN_CSRF: &str = "sg_login";

/// A cookie of the request.
fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn secure(state: &AppState) -> &'static str {
    if state.digest.settings.public_url.scheme() == "https" {
        "; Secure"
    } else {
        ""
    }
}

/// The signed-in user of a page, from the session cookie.
async fn user(state: &AppState, parts: &Parts) -> Option<(Principal, String)> {
    let token = cookie(parts, SESSION)?;
    state.fresh(parts).await;
    auth::principal_for(state, &token)
        .await
        .ok()
        .map(|p| (p, token))
}

fn page<T: Template>(status: StatusCode, template: T) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            ApiError::internal().into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    t: &'static Texts,
    user: Option<String>,
    heading: &'a str,
    text: &'a str,
    back: Option<String>,
}

fn message(
    t: &'static Texts,
    status: StatusCode,
    user: Option<String>,
    heading: &str,
    text: &str,
    back: Option<String>,
) -> Response {
    page(
        status,
        MessagePage {
            t,
            user,
            heading,
            text,
            back,
        },
    )
}

fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

// ---- dashboard ----

struct CountryRow {
    country: String,
    name: String,
    status: &'static str,
    commitments: u32,
    completion: f64,
    bar: u32,
    overdue: u32,
    last: String,
}

struct HeatRow {
    code: &'static str,
    name: &'static str,
    /// (count, shade 0–3) per country
    cells: Vec<(u32, u8)>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    t: &'static Texts,
    user: Option<String>,
    totals: views::Totals,
    counted: u32,
    countries: Vec<CountryRow>,
    heat: Vec<HeatRow>,
}

/// `GET /`.
pub async fn dashboard(State(state): State<AppState>, parts: Parts) -> Response {
    let Some((who, _)) = user(&state, &parts).await else {
        let (lang, chosen) = i18n::language(&parts);
        return i18n::remember(to_login(), lang, chosen);
    };
    let (lang, chosen) = i18n::language_for(&parts, who.language);
    let t = i18n::texts(lang);
    let model = state.projector.read().await;
    let today = state.clock.today();
    let cached = state.views.overview(&model, today);
    let overview = &cached.overview;
    let principles = views::principles(&model, today);
    let countries: Vec<CountryRow> = overview
        .countries
        .iter()
        .map(|c| CountryRow {
            country: c.country.clone(),
            name: c.name.clone(),
            status: i18n::status_word(t, c.status.into()),
            commitments: c.commitments,
            completion: c.completion,
            bar: c.completion.round().clamp(0.0, 100.0) as u32,
            overdue: c.milestones.overdue,
            last: c.last_activity_at.format("%Y-%m-%d").to_string(),
        })
        .collect();
    let heat = principles
        .iter()
        .zip(PrincipleCode::all())
        .map(|(p, code)| HeatRow {
            code: code.as_str(),
            name: code.name(),
            cells: p
                .countries
                .iter()
                .map(|c| (c.commitments, c.commitments.min(3) as u8))
                .collect(),
        })
        .collect();
    let totals = &overview.totals;
    let response = page(
        StatusCode::OK,
        Dashboard {
            t,
            user: Some(who.name),
            counted: totals.milestones.total() - totals.milestones.cancelled,
            totals: totals.clone(),
            countries,
            heat,
        },
    );
    i18n::remember(response, lang, chosen)
}

// ---- a country ----

struct Field {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    required: bool,
    value: String,
}

struct FormView {
    action: &'static str,
    label: &'static str,
    fields: Vec<Field>,
}

struct MilestoneRow {
    id: String,
    title: String,
    status: &'static str,
    overdue: bool,
    percent: Option<u8>,
    due_on: NaiveDate,
    blocked_reason: Option<String>,
    forms: Vec<FormView>,
}

struct CommitmentRow {
    forms: Vec<FormView>,
    id: String,
    title: String,
    fulfilled: bool,
    principles: String,
    authority: String,
    stage: String,
    due_on: NaiveDate,
    milestones: Vec<MilestoneRow>,
}

#[derive(Template)]
#[template(path = "country.html")]
struct CountryPage {
    t: &'static Texts,
    user: Option<String>,
    name: String,
    lead: String,
    started_on: NaiveDate,
    status: &'static str,
    completion: f64,
    overdue: u32,
    error: Option<String>,
    dpi: Vec<(String, String)>,
    burnup: String,
    commitments: Vec<CommitmentRow>,
    history: Vec<(String, String, String)>,
    csrf: String,
}

fn field(name: &'static str, label: &'static str, kind: &'static str) -> Field {
    Field {
        name,
        label,
        kind,
        required: true,
        value: String::new(),
    }
}

/// The forms this user may use on a milestone in its status.
fn forms_for(
    t: &'static Texts,
    who: &Principal,
    country: &str,
    m: &MilestoneView,
) -> Vec<FormView> {
    use MilestoneStatus::*;
    let may = |action| auth::authorize(who, action, Some(country)).is_ok();
    let mut forms = Vec::new();
    if may(auth::Action::UpdateMilestones) {
        if m.status == Planned {
            forms.push(FormView {
                action: "start",
                label: t.start,
                fields: vec![],
            });
        }
        if matches!(m.status, Planned | InProgress) {
            forms.push(FormView {
                action: "progress",
                label: t.report_progress,
                fields: vec![
                    field("percent", t.percent, "number"),
                    Field {
                        required: false,
                        ..field("note", t.note, "text")
                    },
                ],
            });
            forms.push(FormView {
                action: "block",
                label: t.block,
                fields: vec![field("reason", t.reason, "text")],
            });
        }
        if m.status == Blocked {
            forms.push(FormView {
                action: "unblock",
                label: t.unblock,
                fields: vec![],
            });
        }
        if m.status == InProgress {
            forms.push(FormView {
                action: "achieve",
                label: t.report_achieved,
                fields: vec![
                    field("evidence_title", t.evidence, "text"),
                    field("evidence_url", t.evidence_link, "url"),
                ],
            });
        }
    }
    if m.status == Achieved && may(auth::Action::Verify) {
        forms.push(FormView {
            action: "verify",
            label: t.verify,
            fields: vec![],
        });
        forms.push(FormView {
            action: "reject",
            label: t.send_back,
            fields: vec![field("reason", t.reason, "text")],
        });
    }
    forms
}

/// The forms this user may use on a commitment: revise its title and due date, withdraw it.
fn commitment_forms(
    t: &'static Texts,
    who: &Principal,
    country: &str,
    c: &safeguards_projections::model::CommitmentView,
) -> Vec<FormView> {
    if c.withdrawn || auth::authorize(who, auth::Action::EditCommitments, Some(country)).is_err() {
        return vec![];
    }
    vec![
        FormView {
            action: "revise",
            label: t.revise,
            fields: vec![
                Field {
                    value: c.title.clone(),
                    ..field("title", t.title_label, "text")
                },
                Field {
                    value: c.due_on.to_string(),
                    ..field("due_on", t.due_date, "date")
                },
            ],
        },
        FormView {
            action: "withdraw",
            label: t.withdraw,
            fields: vec![field("reason", t.reason, "text")],
        },
    ]
}

/// The signed-in author of a form post, once its CSRF token is checked; otherwise the answer
/// to send (to the sign-in page, or a page saying the form expired).
async fn form_author(
    state: &AppState,
    parts: &Parts,
    form: &BTreeMap<String, String>,
) -> Result<(&'static Texts, Principal), Response> {
    let t = i18n::texts(i18n::language(parts).0);
    let Some((who, token)) = user(state, parts).await else {
        return Err(to_login());
    };
    if form.get("csrf").map(String::as_str) != Some(state.tokens.csrf(&token).as_str()) {
        return Err(message(
            t,
            StatusCode::FORBIDDEN,
            Some(who.name),
            t.form_expired,
            t.form_expired,
            Some("/".into()),
        ));
    }
    Ok((t, who))
}

/// A form field, trimmed; `None` when absent or blank.
fn form_text(form: &BTreeMap<String, String>, key: &str) -> Option<String> {
    form.get(key)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// After a form's command: back to the country page at `anchor`, with the reason when the
/// command was refused for its content or state.
fn after_form(
    t: &'static Texts,
    result: Result<safeguards_infra::Committed, ApiError>,
    back: &str,
    anchor: &str,
    name: String,
) -> Response {
    match result {
        Ok(committed) => {
            let mut r = Redirect::to(&format!("{back}#{anchor}")).into_response();
            if let Ok(v) = HeaderValue::from_str(&committed.position.to_string()) {
                r.headers_mut().insert("x-position", v);
            }
            r
        }
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT | StatusCode::BAD_REQUEST
            ) =>
        {
            Redirect::to(&format!(
                "{back}?error={}#{anchor}",
                percent_encode(&e.detail)
            ))
            .into_response()
        }
        Err(e) => message(
            t,
            e.status,
            Some(name),
            "That did not work",
            &e.detail,
            Some(back.to_string()),
        ),
    }
}

/// `POST /commitments/{id}/{action}` from a page form (`revise`, `withdraw`).
pub async fn commitment_form(
    State(state): State<AppState>,
    parts: Parts,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let (t, who) = match form_author(&state, &parts, &form).await {
        Ok(author) => author,
        Err(answer) => return answer,
    };
    let Some(country) = state
        .projector
        .read()
        .await
        .commitments
        .get(&id)
        .map(|c| c.country.clone())
    else {
        return message(
            t,
            StatusCode::NOT_FOUND,
            Some(who.name),
            "No such commitment",
            "The commitment does not exist.",
            Some("/".into()),
        );
    };
    let text = |k: &str| form_text(&form, k);
    let cmd = Cmd {
        principal: who,
        correlation_id: correlation_id(&parts),
        if_match: None,
    };
    let result = match action.as_str() {
        "revise" => {
            let body = crate::routes::commitments::ReviseBody {
                title: text("title"),
                due_on: text("due_on"),
                ..Default::default()
            };
            crate::routes::commitments::run_revise(&state, &cmd, &id, body).await
        }
        "withdraw" => {
            crate::routes::commitments::run_withdraw(
                &state,
                &cmd,
                &id,
                &text("reason").unwrap_or_default(),
            )
            .await
        }
        _ => Err(ApiError::not_found("no such action")),
    };
    let back = format!("/countries/{country}");
    after_form(t, result, &back, &format!("c-{id}"), cmd.principal.name)
}

/// The burn-up chart of a country's milestones: how many exist, how many are achieved or
/// verified, and how many verified, week by week, as an SVG drawn on the server.
pub fn burnup(t: &Texts, model: &Tracker, country: &str, today: NaiveDate) -> String {
    let milestones: Vec<&MilestoneView> = model
        .milestones
        .values()
        .filter(|m| m.country == country)
        .filter(|m| {
            model
                .commitments
                .get(&m.commitment)
                .is_some_and(|c| !c.withdrawn)
        })
        .collect();
    let Some(start) = milestones.iter().map(|m| m.created_at.date_naive()).min() else {
        return format!("<p class=\"muted\">{}</p>", t.no_milestones);
    };
    let status_at = |m: &MilestoneView, t: DateTime<Utc>| {
        m.transitions
            .iter()
            .take_while(|(at, _)| *at <= t)
            .last()
            .map(|(_, s)| *s)
    };
    let mut weeks = Vec::new();
    let mut day = start;
    while day <= today {
        weeks.push(day);
        day += Duration::days(7);
    }
    weeks.push(today);
    let series: Vec<(u32, u32, u32)> = weeks
        .iter()
        .map(|d| {
            let t = d
                .and_hms_opt(23, 59, 59)
                .map(|t| t.and_utc())
                .unwrap_or_default();
            let (mut total, mut done, mut verified) = (0, 0, 0);
            for m in &milestones {
                match status_at(m, t) {
                    None | Some(MilestoneStatus::Cancelled) => {}
                    Some(s) => {
                        total += 1;
                        if matches!(s, MilestoneStatus::Achieved | MilestoneStatus::Verified) {
                            done += 1;
                        }
                        if s == MilestoneStatus::Verified {
                            verified += 1;
                        }
                    }
                }
            }
            (total, done, verified)
        })
        .collect();
    let (w, h, pad) = (640.0, 220.0, 30.0);
    let max = series.iter().map(|s| s.0).max().unwrap_or(1).max(1) as f64;
    let n = (series.len().max(2) - 1) as f64;
    let points = |pick: fn(&(u32, u32, u32)) -> u32| -> String {
        series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let x = pad + (w - 2.0 * pad) * i as f64 / n;
                let y = h - pad - (h - 2.0 * pad) * f64::from(pick(s)) / max;
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let last = series.last().copied().unwrap_or_default();
    format!(
        "<figure><svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-labelledby=\"burnup-title\">\
         <title id=\"burnup-title\">Burn-up since {start}: {} milestones, {} achieved or verified, {} verified</title>\
         <line x1=\"{pad}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#767676\"/>\
         <line x1=\"{pad}\" y1=\"{pad}\" x2=\"{pad}\" y2=\"{y0}\" stroke=\"#767676\"/>\
         <text x=\"{pad}\" y=\"{ty}\" font-size=\"12\" fill=\"#1a1a1a\">{start}</text>\
         <text x=\"{x1}\" y=\"{ty}\" font-size=\"12\" fill=\"#1a1a1a\" text-anchor=\"end\">{today}</text>\
         <text x=\"4\" y=\"{pad}\" font-size=\"12\" fill=\"#1a1a1a\">{max}</text>\
         <polyline points=\"{}\" fill=\"none\" stroke=\"#4a4a4a\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\
         <polyline points=\"{}\" fill=\"none\" stroke=\"#0b4f8a\" stroke-width=\"2.5\"/>\
         <polyline points=\"{}\" fill=\"none\" stroke=\"#1b6e2e\" stroke-width=\"3\"/>\
         </svg><figcaption>{legend}</figcaption></figure>",
        last.0,
        last.1,
        last.2,
        points(|s| s.0),
        points(|s| s.1),
        points(|s| s.2),
        y0 = h - pad,
        x1 = w - pad,
        ty = h - 8.0,
        legend = t.burnup_legend,
    )
}

/// `GET /countries/{country}`.
pub async fn country(
    State(state): State<AppState>,
    parts: Parts,
    Path(raw): Path<String>,
) -> Response {
    let Some((who, token)) = user(&state, &parts).await else {
        let (lang, chosen) = i18n::language(&parts);
        return i18n::remember(to_login(), lang, chosen);
    };
    let (lang, chosen) = i18n::language_for(&parts, who.language);
    let t = i18n::texts(lang);
    let code = raw.to_ascii_uppercase();
    let model = state.projector.read().await;
    let today = state.clock.today();
    let Some(progress) = views::country(&model, &code, today) else {
        return message(
            t,
            StatusCode::NOT_FOUND,
            Some(who.name),
            "No such engagement",
            "No engagement is open with this country.",
            Some("/".into()),
        );
    };
    let Some(engagement) = model.engagements.get(&code) else {
        return message(
            t,
            StatusCode::NOT_FOUND,
            Some(who.name),
            "No such engagement",
            "No engagement is open with this country.",
            Some("/".into()),
        );
    };
    let commitments = progress
        .commitments
        .iter()
        .map(|c| CommitmentRow {
            forms: commitment_forms(t, &who, &code, &c.commitment),
            id: c.commitment.id.clone(),
            title: c.commitment.title.clone(),
            fulfilled: c.fulfilled,
            principles: c.commitment.principles.join(", "),
            authority: c.commitment.authority.clone(),
            stage: c.commitment.stage.clone(),
            due_on: c.commitment.due_on,
            milestones: c
                .milestone_list
                .iter()
                .map(|m| MilestoneRow {
                    id: m.milestone.id.clone(),
                    title: m.milestone.title.clone(),
                    status: i18n::status_word(t, m.milestone.status.as_str()),
                    overdue: m.overdue,
                    percent: m.milestone.percent,
                    due_on: m.milestone.due_on,
                    blocked_reason: m.milestone.blocked_reason.clone(),
                    forms: forms_for(t, &who, &code, &m.milestone),
                })
                .collect(),
        })
        .collect();
    let history = model
        .activity
        .iter()
        .rev()
        .filter(|l| l.country.as_deref() == Some(code.as_str()))
        .take(20)
        .map(|l| {
            (
                l.at.format("%Y-%m-%d").to_string(),
                l.text.clone(),
                l.actor_name.clone(),
            )
        })
        .collect();
    let error = parts
        .uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("error=")))
        .map(|e| e.replace('+', " "))
        .map(|e| percent_decode(&e));
    let response = page(
        StatusCode::OK,
        CountryPage {
            t,
            user: Some(who.name.clone()),
            name: engagement.name.clone(),
            lead: engagement.lead.clone(),
            started_on: engagement.started_on,
            status: i18n::status_word(t, engagement.status.into()),
            completion: progress.summary.completion,
            overdue: progress.summary.milestones.overdue,
            error,
            dpi: engagement
                .dpi_systems
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            burnup: burnup(t, &model, &code, today),
            commitments,
            history,
            csrf: state.tokens.csrf(&token),
        },
    );
    i18n::remember(response, lang, chosen)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `POST /milestones/{id}/{action}` from a page form: the same command as the API.
pub async fn milestone_form(
    State(state): State<AppState>,
    parts: Parts,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let (t, who) = match form_author(&state, &parts, &form).await {
        Ok(author) => author,
        Err(answer) => return answer,
    };
    let country = {
        let model = state.projector.read().await;
        model.milestones.get(&id).map(|m| m.country.clone())
    };
    let Some(country) = country else {
        return message(
            t,
            StatusCode::NOT_FOUND,
            Some(who.name),
            "No such milestone",
            "The milestone does not exist.",
            Some("/".into()),
        );
    };
    let text = |k: &str| form_text(&form, k);
    let mut body = serde_json::Map::new();
    match action.as_str() {
        "progress" => {
            let percent = text("percent").unwrap_or_default();
            body.insert(
                "percent".into(),
                percent
                    .parse::<i64>()
                    .map(serde_json::Value::from)
                    .unwrap_or(serde_json::Value::String(percent)),
            );
        }
        "achieve" => {
            body.insert(
                "evidence".into(),
                serde_json::json!([{"title": text("evidence_title").unwrap_or_default(), "url": text("evidence_url").unwrap_or_default()}]),
            );
        }
        _ => {}
    }
    for k in ["note", "reason"] {
        if let Some(v) = text(k) {
            body.insert(k.into(), v.into());
        }
    }
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let cmd = Cmd {
        principal: who,
        correlation_id: correlation_id(&parts),
        if_match: None,
    };
    let back = format!("/countries/{country}");
    let result = run_step(&state, &cmd, &id, &action, &bytes).await;
    after_form(t, result, &back, &format!("m-{id}"), cmd.principal.name)
}

// ---- sign-in ----

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: &'static Texts,
    user: Option<String>,
    csrf: String,
    error: Option<String>,
}

fn login_page_with(t: &'static Texts, error: Option<String>, status: StatusCode) -> Response {
    let mut raw = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let csrf: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let mut r = page(
        status,
        LoginPage {
            t,
            user: None,
            csrf: csrf.clone(),
            error,
        },
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LOGIN_CSRF}={csrf}; HttpOnly; SameSite=Strict; Path=/login; Max-Age=3600"
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// `GET /login`.
pub async fn login_page(parts: Parts) -> Response {
    let (lang, chosen) = i18n::language(&parts);
    i18n::remember(
        login_page_with(i18n::texts(lang), None, StatusCode::OK),
        lang,
        chosen,
    )
}

#[derive(Debug, serde::Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: String,
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<LoginForm>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    if let Err(e) = state.limits.sign_in.check(&parts) {
        return message(
            t,
            StatusCode::TOO_MANY_REQUESTS,
            None,
            "Too many attempts",
            &e.detail,
            Some("/login".into()),
        );
    }
    if cookie(&parts, LOGIN_CSRF).as_deref() != Some(form.csrf.as_str()) || form.csrf.is_empty() {
        return login_page_with(t, Some(t.form_expired.into()), StatusCode::FORBIDDEN);
    }
    let Some(id) = auth::authenticate(&state, &form.email, &form.password).await else {
        return login_page_with(t, Some(t.wrong_login.into()), StatusCode::UNAUTHORIZED);
    };
    let (token, _) = state.tokens.issue(id, Utc::now());
    let mut r = Redirect::to("/").into_response();
    let max_age = auth::TOKEN_LIFETIME.num_seconds();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{SESSION}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{}",
        secure(&state)
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    if let Some((_, token)) = user(&state, &parts).await {
        if form.csrf != state.tokens.csrf(&token) {
            return message(
                t,
                StatusCode::FORBIDDEN,
                None,
                t.form_expired,
                t.form_expired,
                Some("/account".into()),
            );
        }
    }
    let mut r = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{SESSION}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{}",
        secure(&state)
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    languages: Vec<(&'static str, &'static str, bool)>,
    t: &'static Texts,
    user: Option<String>,
    name: String,
    email: String,
    role: &'static str,
    countries: String,
    csrf: String,
}

/// `GET /account`.
pub async fn account(State(state): State<AppState>, parts: Parts) -> Response {
    let Some((who, token)) = user(&state, &parts).await else {
        let (lang, chosen) = i18n::language(&parts);
        return i18n::remember(to_login(), lang, chosen);
    };
    let (lang, chosen) = i18n::language_for(&parts, who.language);
    let t = i18n::texts(lang);
    let model = state.projector.read().await;
    let email = model
        .accounts
        .get(&who.id.to_string())
        .map(|a| a.email.clone())
        .unwrap_or_default();
    let role: &'static str = match who.role {
        Role::Admin => "admin",
        Role::ProgrammeManager => "programme manager",
        Role::FocalPoint => "focal point",
        Role::Viewer => "viewer",
    };
    let response = page(
        StatusCode::OK,
        AccountPage {
            languages: [("en", "English"), ("fr", "Français"), ("es", "Español")]
                .into_iter()
                .map(|(code, name)| (code, name, code == t.lang))
                .collect(),
            t,
            user: Some(who.name.clone()),
            name: who.name.clone(),
            email,
            role,
            countries: who.countries.iter().cloned().collect::<Vec<_>>().join(", "),
            csrf: state.tokens.csrf(&token),
        },
    );
    i18n::remember(response, lang, chosen)
}

/// `POST /account/language`: the account's language for the pages.
pub async fn account_language(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let t = i18n::texts(i18n::language(&parts).0);
    let Some((who, token)) = user(&state, &parts).await else {
        return to_login();
    };
    if form.get("csrf").map(String::as_str) != Some(state.tokens.csrf(&token).as_str()) {
        return message(
            t,
            StatusCode::FORBIDDEN,
            Some(who.name),
            t.form_expired,
            t.form_expired,
            Some("/account".into()),
        );
    }
    let language = match form
        .get("language")
        .map(|l| safeguards_domain::values::parse_word("language", l))
    {
        Some(Ok(l)) => l,
        _ => {
            return message(
                t,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(who.name),
                t.form_expired,
                "language: en, fr or es",
                Some("/account".into()),
            )
        }
    };
    let cmd = Cmd {
        principal: who,
        correlation_id: correlation_id(&parts),
        if_match: None,
    };
    let result = state
        .execute::<safeguards_domain::account::Account>(
            &cmd.context(),
            &cmd.principal.id.to_string(),
            safeguards_domain::account::AccountCommand::SetLanguage { language },
            None,
        )
        .await;
    match result {
        Ok(_) => {
            let mut r = Redirect::to("/account").into_response();
            // The account's choice replaces a choice made with the switch.
            r.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_static("sg_lang=; Path=/; Max-Age=0"),
            );
            r
        }
        Err(e) => message(
            t,
            e.status,
            Some(cmd.principal.name),
            "That did not work",
            &e.detail,
            Some("/account".into()),
        ),
    }
}

/// `GET /static/app.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../static/app.css"),
    )
        .into_response()
}
