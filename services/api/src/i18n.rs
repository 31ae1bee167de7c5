//! The pages in English, French and Spanish. The language comes from `?lang=` (kept in a
//! cookie), else the browser's `Accept-Language`, else English.

use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use safeguards_domain::subscriber::Language;

/// Every text of the pages.
#[derive(Debug)]
pub struct Texts {
    pub lang: &'static str,
    pub skip: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_digest: &'static str,
    pub nav_api: &'static str,
    pub sign_in: &'static str,
    pub languages: &'static str,
    pub dashboard_title: &'static str,
    pub countries_word: &'static str,
    pub commitments_word: &'static str,
    pub of: &'static str,
    pub milestones_verified: &'static str,
    pub overdue_word: &'static str,
    pub completion_note: &'static str,
    pub col_country: &'static str,
    pub col_status: &'static str,
    pub col_commitments: &'static str,
    pub col_completion: &'static str,
    pub col_overdue: &'static str,
    pub col_last: &'static str,
    pub heat_title: &'static str,
    pub heat_help: &'static str,
    pub col_principle: &'static str,
    pub led_by: &'static str,
    pub since: &'static str,
    pub status_label: &'static str,
    pub verified_share: &'static str,
    pub dpi_systems: &'static str,
    pub none_tracked: &'static str,
    pub system: &'static str,
    pub stage: &'static str,
    pub over_time: &'static str,
    pub commitments_title: &'static str,
    pub fulfilled: &'static str,
    pub principles: &'static str,
    pub authority: &'static str,
    pub due: &'static str,
    pub blocked_label: &'static str,
    pub history: &'static str,
    pub start: &'static str,
    pub report_progress: &'static str,
    pub percent: &'static str,
    pub note: &'static str,
    pub block: &'static str,
    pub reason: &'static str,
    pub unblock: &'static str,
    pub report_achieved: &'static str,
    pub evidence: &'static str,
    pub evidence_link: &'static str,
    pub verify: &'static str,
    pub send_back: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub account_title: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub countries_label: &'static str,
    pub none: &'static str,
    pub sign_out: &'static str,
    pub back: &'static str,
    pub wrong_login: &'static str,
    pub form_expired: &'static str,
    pub burnup_legend: &'static str,
    pub no_milestones: &'static str,
    pub revise: &'static str,
    pub withdraw: &'static str,
    pub title_label: &'static str,
    pub due_date: &'static str,
    pub api_title: &'static str,
    pub api_document: &'static str,
    pub api_method: &'static str,
    pub api_route: &'static str,
    pub api_what: &'static str,
    pub sub_title: &'static str,
    pub sub_intro: &'static str,
    pub sub_email: &'static str,
    pub sub_name: &'static str,
    pub sub_countries: &'static str,
    pub sub_language: &'static str,
    pub sub_button: &'static str,
    pub sub_check_mail: &'static str,
    pub sub_link_on_its_way: &'static str,
    pub sub_check_form: &'static str,
    pub sub_back_to_form: &'static str,
    pub sub_went_wrong: &'static str,
    pub sub_try_again: &'static str,
    pub sub_confirmed: &'static str,
    pub sub_confirmed_text: &'static str,
    pub link_broken: &'static str,
    pub link_expired: &'static str,
    pub sub_again: &'static str,
    pub unsub_title: &'static str,
    pub unsub_button: &'static str,
    pub unsub_done: &'static str,
    pub unsub_done_text: &'static str,
    pub manage_title: &'static str,
    pub save: &'static str,
    pub manage_saved: &'static str,
    pub manage_saved_text: &'static str,
    pub failed: &'static str,
    pub no_such: &'static str,
    pub no_such_engagement: &'static str,
    pub no_such_milestone: &'static str,
    pub no_such_commitment: &'static str,
    pub too_many: &'static str,
    pub burnup_since: &'static str,
    pub burnup_milestones: &'static str,
    pub burnup_done: &'static str,
    pub burnup_verified: &'static str,
    pub sub_confirm_title: &'static str,
    pub sub_confirm_text: &'static str,
    pub sub_confirm_button: &'static str,
    pub password_title: &'static str,
    pub password_current: &'static str,
    pub password_new: &'static str,
    pub password_button: &'static str,
    pub password_changed: &'static str,
}

pub static EN: Texts = Texts {
    lang: "en",
    skip: "Skip to content",
    nav_dashboard: "Dashboard",
    nav_digest: "Digest",
    nav_api: "API",
    sign_in: "Sign in",
    languages: "Language",
    dashboard_title: "Countries and their safeguards",
    countries_word: "countries",
    commitments_word: "commitments",
    of: "of",
    milestones_verified: "milestones verified",
    overdue_word: "overdue",
    completion_note: "Completion is verified milestones out of those not cancelled.",
    col_country: "Country",
    col_status: "Status",
    col_commitments: "Commitments",
    col_completion: "Completion",
    col_overdue: "Overdue",
    col_last: "Last change",
    heat_title: "Commitments by principle and country",
    heat_help: "Each cell counts the country's commitments under the principle; darker is more.",
    col_principle: "Principle",
    led_by: "Engagement led by",
    since: "since",
    status_label: "Status",
    verified_share: "of milestones verified",
    dpi_systems: "DPI systems",
    none_tracked: "None tracked yet.",
    system: "System",
    stage: "Stage",
    over_time: "Milestones over time",
    commitments_title: "Commitments",
    fulfilled: "fulfilled",
    principles: "Principles",
    authority: "authority",
    due: "due",
    blocked_label: "Blocked",
    history: "Recent history",
    start: "Start",
    report_progress: "Report progress",
    percent: "Percent",
    note: "Note",
    block: "Block",
    reason: "Reason",
    unblock: "Unblock",
    report_achieved: "Report achieved",
    evidence: "Evidence",
    evidence_link: "Evidence link",
    verify: "Verify",
    send_back: "Send back",
    email: "E-mail address",
    password: "Password",
    account_title: "Your account",
    name: "Name",
    role: "Role",
    countries_label: "Countries",
    none: "none",
    sign_out: "Sign out",
    back: "Back",
    wrong_login: "Unknown e-mail or wrong password.",
    form_expired: "The form expired; please try again.",
    burnup_legend: "Dashed: all milestones. Blue: achieved or verified. Green: verified.",
    no_milestones: "No milestones yet.",
    revise: "Save changes",
    withdraw: "Withdraw",
    title_label: "Title",
    due_date: "Due date",
    api_title: "Safeguards Tracker API",
    api_document: "The machine-readable document is at",
    api_method: "Method",
    api_route: "Route",
    api_what: "What it does",
    sub_title: "Subscribe to the Safeguards Digest",
    sub_intro: "A weekly mail with what changed in the countries you follow.",
    sub_email: "E-mail address",
    sub_name: "Name (optional)",
    sub_countries: "Countries (ISO codes separated by commas; empty for all)",
    sub_language: "Language",
    sub_button: "Subscribe",
    sub_check_mail: "Check your mail",
    sub_link_on_its_way: "If the address can receive the digest, a confirmation link is on its way. The link works for 48 hours.",
    sub_check_form: "Please check the form",
    sub_back_to_form: "Back to the form",
    sub_went_wrong: "Something went wrong",
    sub_try_again: "Please try again in a moment.",
    sub_confirmed: "Subscription confirmed",
    sub_confirmed_text: "You will receive the Safeguards Digest. Every digest has a link to unsubscribe.",
    link_broken: "This link does not work",
    link_expired: "It is invalid or has expired.",
    sub_again: "Subscribe again",
    unsub_title: "Unsubscribe from the Safeguards Digest",
    unsub_button: "Unsubscribe",
    unsub_done: "You are unsubscribed",
    unsub_done_text: "No more digests will be sent to you.",
    manage_title: "Your Safeguards Digest",
    save: "Save",
    manage_saved: "Preferences saved",
    manage_saved_text: "Your next digests follow your new choice.",
    failed: "That did not work",
    no_such: "Not found",
    no_such_engagement: "No engagement is open with this country.",
    no_such_milestone: "The milestone does not exist.",
    no_such_commitment: "The commitment does not exist.",
    too_many: "Too many attempts",
    burnup_since: "Burn-up since",
    burnup_milestones: "milestones",
    burnup_done: "achieved or verified",
    burnup_verified: "verified",
    sub_confirm_title: "Confirm your subscription",
    sub_confirm_text: "One more step: confirm that you want the Safeguards Digest at this address.",
    sub_confirm_button: "Confirm",
    password_title: "Change your password",
    password_current: "Current password",
    password_new: "New password (at least 10 characters)",
    password_button: "Change password",
    password_changed: "Your password was changed. Every other session of your account was signed out.",
};

pub static FR: Texts = Texts {
    lang: "fr",
    skip: "Aller au contenu",
    nav_dashboard: "Tableau de bord",
    nav_digest: "Bulletin",
    nav_api: "API",
    sign_in: "Se connecter",
    languages: "Langue",
    dashboard_title: "Les pays et leurs garanties",
    countries_word: "pays",
    commitments_word: "engagements",
    of: "sur",
    milestones_verified: "jalons vérifiés",
    overdue_word: "en retard",
    completion_note:
        "L'avancement est la part des jalons vérifiés parmi ceux qui ne sont pas annulés.",
    col_country: "Pays",
    col_status: "Statut",
    col_commitments: "Engagements",
    col_completion: "Avancement",
    col_overdue: "En retard",
    col_last: "Dernier changement",
    heat_title: "Engagements par principe et par pays",
    heat_help:
        "Chaque case compte les engagements du pays pour le principe ; plus foncé, c'est plus.",
    col_principle: "Principe",
    led_by: "Engagement mené par",
    since: "depuis le",
    status_label: "Statut",
    verified_share: "des jalons vérifiés",
    dpi_systems: "Systèmes d'IPN",
    none_tracked: "Aucun suivi pour l'instant.",
    system: "Système",
    stage: "Étape",
    over_time: "Les jalons dans le temps",
    commitments_title: "Engagements",
    fulfilled: "tenu",
    principles: "Principes",
    authority: "autorité",
    due: "échéance",
    blocked_label: "Bloqué",
    history: "Historique récent",
    start: "Commencer",
    report_progress: "Signaler l'avancement",
    percent: "Pourcentage",
    note: "Note",
    block: "Bloquer",
    reason: "Motif",
    unblock: "Débloquer",
    report_achieved: "Signaler comme atteint",
    evidence: "Preuve",
    evidence_link: "Lien vers la preuve",
    verify: "Vérifier",
    send_back: "Renvoyer",
    email: "Adresse électronique",
    password: "Mot de passe",
    account_title: "Votre compte",
    name: "Nom",
    role: "Rôle",
    countries_label: "Pays",
    none: "aucun",
    sign_out: "Se déconnecter",
    back: "Retour",
    wrong_login: "Adresse inconnue ou mot de passe erroné.",
    form_expired: "Le formulaire a expiré ; veuillez réessayer.",
    burnup_legend: "Tirets : tous les jalons. Bleu : atteints ou vérifiés. Vert : vérifiés.",
    no_milestones: "Pas encore de jalons.",
    revise: "Enregistrer",
    withdraw: "Retirer",
    title_label: "Titre",
    due_date: "Échéance",
    api_title: "API du Safeguards Tracker",
    api_document: "Le document lisible par machine se trouve à",
    api_method: "Méthode",
    api_route: "Route",
    api_what: "Ce qu'elle fait",
    sub_title: "S'abonner au Bulletin des garanties",
    sub_intro: "Un courriel par semaine sur ce qui a changé dans les pays que vous suivez.",
    sub_email: "Adresse électronique",
    sub_name: "Nom (facultatif)",
    sub_countries: "Pays (codes ISO séparés par des virgules ; vide pour tous)",
    sub_language: "Langue",
    sub_button: "S'abonner",
    sub_check_mail: "Consultez vos courriels",
    sub_link_on_its_way: "Si l'adresse peut recevoir le bulletin, un lien de confirmation est en route. Il est valable 48 heures.",
    sub_check_form: "Veuillez vérifier le formulaire",
    sub_back_to_form: "Retour au formulaire",
    sub_went_wrong: "Un problème est survenu",
    sub_try_again: "Veuillez réessayer dans un instant.",
    sub_confirmed: "Abonnement confirmé",
    sub_confirmed_text: "Vous recevrez le Bulletin des garanties. Chaque bulletin contient un lien de désabonnement.",
    link_broken: "Ce lien ne fonctionne pas",
    link_expired: "Il est invalide ou a expiré.",
    sub_again: "S'abonner à nouveau",
    unsub_title: "Se désabonner du Bulletin des garanties",
    unsub_button: "Se désabonner",
    unsub_done: "Vous êtes désabonné",
    unsub_done_text: "Aucun bulletin ne vous sera plus envoyé.",
    manage_title: "Votre Bulletin des garanties",
    save: "Enregistrer",
    manage_saved: "Préférences enregistrées",
    manage_saved_text: "Vos prochains bulletins suivront votre nouveau choix.",
    failed: "Cela n'a pas fonctionné",
    no_such: "Introuvable",
    no_such_engagement: "Aucun engagement n'est ouvert avec ce pays.",
    no_such_milestone: "Ce jalon n'existe pas.",
    no_such_commitment: "Cet engagement n'existe pas.",
    too_many: "Trop de tentatives",
    burnup_since: "Progression depuis le",
    burnup_milestones: "jalons",
    burnup_done: "atteints ou vérifiés",
    burnup_verified: "vérifiés",
    sub_confirm_title: "Confirmez votre abonnement",
    sub_confirm_text: "Encore une étape : confirmez que vous souhaitez recevoir le Bulletin des garanties à cette adresse.",
    sub_confirm_button: "Confirmer",
    password_title: "Changer de mot de passe",
    password_current: "Mot de passe actuel",
    password_new: "Nouveau mot de passe (au moins 10 caractères)",
    password_button: "Changer le mot de passe",
    password_changed: "Votre mot de passe a été changé. Toutes les autres sessions de votre compte ont été fermées.",
};

pub static ES: Texts = Texts {
    lang: "es",
    skip: "Ir al contenido",
    nav_dashboard: "Panel",
    nav_digest: "Boletín",
    nav_api: "API",
    sign_in: "Iniciar sesión",
    languages: "Idioma",
    dashboard_title: "Los países y sus salvaguardias",
    countries_word: "países",
    commitments_word: "compromisos",
    of: "de",
    milestones_verified: "hitos verificados",
    overdue_word: "atrasados",
    completion_note: "El avance es la proporción de hitos verificados entre los no cancelados.",
    col_country: "País",
    col_status: "Estado",
    col_commitments: "Compromisos",
    col_completion: "Avance",
    col_overdue: "Atrasados",
    col_last: "Último cambio",
    heat_title: "Compromisos por principio y país",
    heat_help: "Cada celda cuenta los compromisos del país bajo el principio; más oscuro es más.",
    col_principle: "Principio",
    led_by: "Colaboración dirigida por",
    since: "desde el",
    status_label: "Estado",
    verified_share: "de los hitos verificados",
    dpi_systems: "Sistemas de IPD",
    none_tracked: "Ninguno por ahora.",
    system: "Sistema",
    stage: "Etapa",
    over_time: "Los hitos a lo largo del tiempo",
    commitments_title: "Compromisos",
    fulfilled: "cumplido",
    principles: "Principios",
    authority: "autoridad",
    due: "vence",
    blocked_label: "Bloqueado",
    history: "Historial reciente",
    start: "Empezar",
    report_progress: "Informar del avance",
    percent: "Porcentaje",
    note: "Nota",
    block: "Bloquear",
    reason: "Motivo",
    unblock: "Desbloquear",
    report_achieved: "Informar como logrado",
    evidence: "Evidencia",
    evidence_link: "Enlace a la evidencia",
    verify: "Verificar",
    send_back: "Devolver",
    email: "Correo electrónico",
    password: "Contraseña",
    account_title: "Su cuenta",
    name: "Nombre",
    role: "Rol",
    countries_label: "Países",
    none: "ninguno",
    sign_out: "Cerrar sesión",
    back: "Volver",
    wrong_login: "Correo desconocido o contraseña incorrecta.",
    form_expired: "El formulario caducó; inténtelo de nuevo.",
    burnup_legend:
        "Discontinua: todos los hitos. Azul: logrados o verificados. Verde: verificados.",
    no_milestones: "Todavía no hay hitos.",
    revise: "Guardar cambios",
    withdraw: "Retirar",
    title_label: "Título",
    due_date: "Fecha límite",
    api_title: "API del Safeguards Tracker",
    api_document: "El documento legible por máquina está en",
    api_method: "Método",
    api_route: "Ruta",
    api_what: "Qué hace",
    sub_title: "Suscribirse al Boletín de salvaguardias",
    sub_intro: "Un correo semanal con lo que cambió en los países que sigue.",
    sub_email: "Correo electrónico",
    sub_name: "Nombre (opcional)",
    sub_countries: "Países (códigos ISO separados por comas; vacío para todos)",
    sub_language: "Idioma",
    sub_button: "Suscribirse",
    sub_check_mail: "Revise su correo",
    sub_link_on_its_way: "Si la dirección puede recibir el boletín, le llegará un enlace de confirmación. Es válido durante 48 horas.",
    sub_check_form: "Revise el formulario",
    sub_back_to_form: "Volver al formulario",
    sub_went_wrong: "Algo salió mal",
    sub_try_again: "Inténtelo de nuevo en un momento.",
    sub_confirmed: "Suscripción confirmada",
    sub_confirmed_text: "Recibirá el Boletín de salvaguardias. Cada boletín incluye un enlace para darse de baja.",
    link_broken: "Este enlace no funciona",
    link_expired: "No es válido o ha caducado.",
    sub_again: "Suscribirse de nuevo",
    unsub_title: "Darse de baja del Boletín de salvaguardias",
    unsub_button: "Darse de baja",
    unsub_done: "Se ha dado de baja",
    unsub_done_text: "No se le enviarán más boletines.",
    manage_title: "Su Boletín de salvaguardias",
    save: "Guardar",
    manage_saved: "Preferencias guardadas",
    manage_saved_text: "Sus próximos boletines seguirán su nueva elección.",
    failed: "Eso no funcionó",
    no_such: "No encontrado",
    no_such_engagement: "No hay ningún compromiso abierto con este país.",
    no_such_milestone: "El hito no existe.",
    no_such_commitment: "El compromiso no existe.",
    too_many: "Demasiados intentos",
    burnup_since: "Avance desde el",
    burnup_milestones: "hitos",
    burnup_done: "logrados o verificados",
    burnup_verified: "verificados",
    sub_confirm_title: "Confirme su suscripción",
    sub_confirm_text: "Un paso más: confirme que desea recibir el Boletín de salvaguardias en esta dirección.",
    sub_confirm_button: "Confirmar",
    password_title: "Cambiar la contraseña",
    password_current: "Contraseña actual",
    password_new: "Contraseña nueva (al menos 10 caracteres)",
    password_button: "Cambiar la contraseña",
    password_changed: "Su contraseña se cambió. Todas las demás sesiones de su cuenta se cerraron.",
};

/// The texts of a language.
pub fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::En => &EN,
        Language::Fr => &FR,
        Language::Es => &ES,
    }
}

fn parse(code: &str) -> Option<Language> {
    match code.trim().get(..2)?.to_ascii_lowercase().as_str() {
        "en" => Some(Language::En),
        "fr" => Some(Language::Fr),
        "es" => Some(Language::Es),
        _ => None,
    }
}

/// The language of a page request, and whether `?lang=` chose it (then the choice is kept in
/// a cookie by [`remember`]).
pub fn language(parts: &Parts) -> (Language, bool) {
    language_for(parts, None)
}

/// As [`language`], with the signed-in account's choice between the switch and the browser.
pub fn language_for(parts: &Parts, account: Option<Language>) -> (Language, bool) {
    let query = parts
        .uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
        .and_then(parse);
    if let Some(l) = query {
        return (l, true);
    }
    let cookie = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().strip_prefix("sg_lang="))
        .find_map(parse);
    if let Some(l) = cookie.or(account) {
        return (l, false);
    }
    let accepted = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|tag| parse(tag.split(';').next().unwrap_or("")))
        });
    (accepted.unwrap_or(Language::En), false)
}

/// Keep a language chosen with `?lang=` in a cookie.
pub fn remember(mut response: Response, lang: Language, chosen: bool) -> Response {
    if chosen {
        let code: &str = lang.into();
        if let Ok(v) = HeaderValue::from_str(&format!(
            "sg_lang={code}; Path=/; SameSite=Lax; Max-Age=31536000"
        )) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// A status word (`in_progress`, `exploring`, …) in the page's language.
pub fn status_word(t: &Texts, status: &str) -> &'static str {
    let (en, fr, es) = match status {
        "planned" => ("planned", "prévu", "previsto"),
        "in_progress" => ("in progress", "en cours", "en curso"),
        "blocked" => ("blocked", "bloqué", "bloqueado"),
        "achieved" => ("achieved", "atteint", "logrado"),
        "verified" => ("verified", "vérifié", "verificado"),
        "cancelled" => ("cancelled", "annulé", "cancelado"),
        "exploring" => ("exploring", "exploration", "exploración"),
        "committed" => ("committed", "engagé", "comprometido"),
        "implementing" => ("implementing", "mise en œuvre", "implementación"),
        "paused" => ("paused", "en pause", "en pausa"),
        "closed" => ("closed", "clos", "cerrado"),
        _ => ("", "", ""),
    };
    match t.lang {
        "fr" => fr,
        "es" => es,
        _ => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_the_query_then_the_cookie_then_the_browser() {
        let req = |uri: &str, cookie: Option<&str>, accept: Option<&str>| {
            let mut b = axum::http::Request::builder().uri(uri);
            if let Some(c) = cookie {
                b = b.header("cookie", c);
            }
            if let Some(a) = accept {
                b = b.header("accept-language", a);
            }
            b.body(()).unwrap().into_parts().0
        };
        assert_eq!(
            language(&req("/?lang=fr", Some("sg_lang=es"), None)),
            (Language::Fr, true)
        );
        assert_eq!(
            language(&req("/", Some("a=b; sg_lang=es"), Some("fr"))),
            (Language::Es, false)
        );
        assert_eq!(
            language(&req("/", None, Some("de-DE, es;q=0.8"))),
            (Language::Es, false)
        );
        assert_eq!(language(&req("/", None, None)), (Language::En, false));
    }
}
