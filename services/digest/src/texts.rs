//! The mails in English, French and Spanish, chosen by the subscriber's language: the words,
//! and the way each language writes numbers, dates and counts.

use chrono::{Datelike, NaiveDate};
use safeguards_domain::subscriber::Language;

/// A count in words: the singular and the plural form, `{n}` standing for the number.
#[derive(Debug)]
pub struct Count {
    pub one: &'static str,
    pub many: &'static str,
}

impl Count {
    pub fn of(&self, n: usize) -> String {
        let form = if n == 1 { self.one } else { self.many };
        form.replace("{n}", &n.to_string())
    }
}

/// Every text of the mails.
#[derive(Debug)]
pub struct MailTexts {
    pub lang: &'static str,
    pub digest: &'static str,
    pub quiet: &'static str,
    /// Quiet, for a reader of every country.
    pub quiet_all: &'static str,
    /// Between a label and what it labels: ": " (French: " : ").
    pub colon: &'static str,
    pub achieved: &'static str,
    pub verified: &'static str,
    pub new_commitment: &'static str,
    pub blocked: &'static str,
    pub overdue: &'static str,
    pub activity: &'static str,
    pub completion: &'static str,
    pub country: &'static str,
    pub verified_col: &'static str,
    pub change: &'static str,
    pub no_change: &'static str,
    pub points: &'static str,
    pub commitment: &'static str,
    pub open: &'static str,
    pub on_the_web: &'static str,
    pub why: &'static str,
    pub manage: &'static str,
    pub unsubscribe: &'static str,
    pub evidence: &'static str,
    pub principles: &'static str,
    pub due: &'static str,
    pub on: &'static str,
    pub more_overdue: Count,
    pub days_late: Count,
    pub summary_verified: Count,
    pub summary_in_countries: Count,
    pub summary_achieved: Count,
    pub summary_commitments: Count,
    pub summary_blocked: Count,
    pub summary_activities: Count,
    pub summary_overdue: Count,
    /// `{country}` rose `{points}` points.
    pub summary_rose: &'static str,
    pub summary_fell: &'static str,
    pub months: [&'static str; 12],
    /// How a day is written: `{d}`, `{month}`, `{y}`.
    pub date: &'static str,
    pub decimal_comma: bool,
    pub activity_kinds: ActivityWords,
    pub confirm_subject: &'static str,
    pub confirm_hello: &'static str,
    pub confirm_ask: &'static str,
    pub confirm_button: &'static str,
    pub confirm_note: &'static str,
    /// A focal point's digest: their milestones due soon or overdue, with action links.
    pub your_milestones: &'static str,
    pub your_milestones_note: &'static str,
    /// The action links' words, in the order of [`crate::links::LinkAction::ALL`].
    pub link_actions: [&'static str; 4],
    pub overdue_since: &'static str,
}

/// The kinds of engagement activity, in words.
#[derive(Debug)]
pub struct ActivityWords {
    pub convening: &'static str,
    pub workshop: &'static str,
    pub dialogue: &'static str,
    pub commitment_letter: &'static str,
    pub showcase: &'static str,
    pub accelerator: &'static str,
    pub roadmap: &'static str,
    pub other: &'static str,
}

impl MailTexts {
    /// `x` with one decimal, as the language writes it.
    pub fn decimal(&self, x: f64) -> String {
        let s = format!("{x:.1}");
        if self.decimal_comma {
            s.replace('.', ",")
        } else {
            s
        }
    }

    /// A change in points with its sign: "+4.0 points".
    pub fn points_change(&self, delta: f64) -> String {
        let sign = if delta > 0.0 { "+" } else { "−" };
        format!("{sign}{} {}", self.decimal(delta.abs()), self.points)
    }

    /// A day as the language writes it: "3 December 2026", "3 décembre 2026".
    pub fn day(&self, d: NaiveDate) -> String {
        let month = self.months[d.month0() as usize];
        self.date
            .replace("{d}", &d.day().to_string())
            .replace("{month}", month)
            .replace("{y}", &d.year().to_string())
    }

    /// An activity kind (its code, e.g. `workshop`) in words.
    pub fn activity_kind(&self, code: &str) -> &'static str {
        let w = &self.activity_kinds;
        match code {
            "convening" => w.convening,
            "workshop" => w.workshop,
            "dialogue" => w.dialogue,
            "commitment_letter" => w.commitment_letter,
            "showcase" => w.showcase,
            "accelerator" => w.accelerator,
            "roadmap" => w.roadmap,
            _ => w.other,
        }
    }
}

pub static EN: MailTexts = MailTexts {
    lang: "en",
    digest: "Safeguards Digest",
    quiet: "Nothing changed in your countries since your last digest.",
    quiet_all: "No country reported a change since the previous digest.",
    colon: ": ",
    achieved: "Achieved",
    verified: "Verified",
    new_commitment: "New commitment",
    blocked: "Blocked",
    overdue: "Overdue",
    activity: "Activity",
    completion: "Completion",
    country: "Country",
    verified_col: "Verified",
    change: "Change",
    no_change: "no change",
    points: "points",
    commitment: "Commitment",
    open: "Open the tracker",
    on_the_web: "Read this digest on the web",
    why: "You receive this because you subscribed to the Safeguards Digest.",
    manage: "Choose countries, principles, language or frequency",
    unsubscribe: "Unsubscribe",
    evidence: "evidence",
    principles: "principles",
    due: "due",
    on: "on",
    more_overdue: Count {
        one: "and {n} more overdue milestone",
        many: "and {n} more overdue milestones",
    },
    days_late: Count {
        one: "{n} day late",
        many: "{n} days late",
    },
    summary_verified: Count {
        one: "{n} milestone verified",
        many: "{n} milestones verified",
    },
    summary_in_countries: Count {
        one: "in {n} country",
        many: "in {n} countries",
    },
    summary_achieved: Count {
        one: "{n} milestone achieved",
        many: "{n} milestones achieved",
    },
    summary_commitments: Count {
        one: "{n} new commitment",
        many: "{n} new commitments",
    },
    summary_blocked: Count {
        one: "{n} milestone blocked",
        many: "{n} milestones blocked",
    },
    summary_activities: Count {
        one: "{n} activity",
        many: "{n} activities",
    },
    summary_overdue: Count {
        one: "{n} milestone overdue",
        many: "{n} milestones overdue",
    },
    summary_rose: "{country}'s completion rose {points} points",
    summary_fell: "{country}'s completion fell {points} points",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    date: "{d} {month} {y}",
    decimal_comma: false,
    activity_kinds: ActivityWords {
        convening: "Convening",
        workshop: "Workshop",
        dialogue: "Dialogue",
        commitment_letter: "Commitment letter",
        showcase: "Showcase",
        accelerator: "Accelerator",
        roadmap: "Roadmap",
        other: "Activity",
    },
    confirm_subject: "Confirm your subscription to the Safeguards Digest",
    confirm_hello: "Hello,",
    confirm_ask: "Please confirm that you want to receive the Safeguards Digest:",
    confirm_button: "Confirm my subscription",
    confirm_note: "The link works for 48 hours. If you did not ask for this, ignore this mail and nothing will be sent to you.",
    your_milestones: "Your milestones",
    your_milestones_note: "Due within 14 days or overdue in your countries. Each link acts for you, once, for 14 days, without signing in: do not forward this mail.",
    link_actions: ["Report progress", "Mark blocked", "Add an evidence link", "Mark achieved"],
    overdue_since: "overdue since",
};

pub static FR: MailTexts = MailTexts {
    lang: "fr",
    digest: "Bulletin des garanties",
    quiet: "Rien n'a changé dans vos pays depuis votre dernier bulletin.",
    quiet_all: "Aucun pays n'a signalé de changement depuis le bulletin précédent.",
    colon: " : ",
    achieved: "Atteint",
    verified: "Vérifié",
    new_commitment: "Nouvel engagement",
    blocked: "Bloqué",
    overdue: "En retard",
    activity: "Activité",
    completion: "Avancement",
    country: "Pays",
    verified_col: "Vérifiés",
    change: "Évolution",
    no_change: "inchangé",
    points: "points",
    commitment: "Engagement",
    open: "Ouvrir le suivi",
    on_the_web: "Lire ce bulletin sur le web",
    why: "Vous recevez ce message car vous êtes abonné au Bulletin des garanties.",
    manage: "Choisir les pays, les principes, la langue ou la fréquence",
    unsubscribe: "Se désabonner",
    evidence: "preuve",
    principles: "principes",
    due: "échéance",
    on: "le",
    more_overdue: Count {
        one: "et {n} autre jalon en retard",
        many: "et {n} autres jalons en retard",
    },
    days_late: Count {
        one: "{n} jour de retard",
        many: "{n} jours de retard",
    },
    summary_verified: Count {
        one: "{n} jalon vérifié",
        many: "{n} jalons vérifiés",
    },
    summary_in_countries: Count {
        one: "dans {n} pays",
        many: "dans {n} pays",
    },
    summary_achieved: Count {
        one: "{n} jalon atteint",
        many: "{n} jalons atteints",
    },
    summary_commitments: Count {
        one: "{n} nouvel engagement",
        many: "{n} nouveaux engagements",
    },
    summary_blocked: Count {
        one: "{n} jalon bloqué",
        many: "{n} jalons bloqués",
    },
    summary_activities: Count {
        one: "{n} activité",
        many: "{n} activités",
    },
    summary_overdue: Count {
        one: "{n} jalon en retard",
        many: "{n} jalons en retard",
    },
    summary_rose: "l'avancement de {country} a progressé de {points} points",
    summary_fell: "l'avancement de {country} a reculé de {points} points",
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    date: "{d} {month} {y}",
    decimal_comma: true,
    activity_kinds: ActivityWords {
        convening: "Réunion",
        workshop: "Atelier",
        dialogue: "Dialogue",
        commitment_letter: "Lettre d'engagement",
        showcase: "Présentation",
        accelerator: "Accélérateur",
        roadmap: "Feuille de route",
        other: "Activité",
    },
    confirm_subject: "Confirmez votre abonnement au Bulletin des garanties",
    confirm_hello: "Bonjour,",
    confirm_ask: "Merci de confirmer que vous souhaitez recevoir le Bulletin des garanties :",
    confirm_button: "Confirmer mon abonnement",
    confirm_note: "Le lien est valable 48 heures. Si vous n'avez rien demandé, ignorez ce message : vous ne recevrez rien.",
    your_milestones: "Vos jalons",
    your_milestones_note: "À échéance dans les 14 jours ou en retard dans vos pays. Chaque lien agit pour vous, une fois, pendant 14 jours, sans connexion : ne transférez pas ce message.",
    link_actions: ["Signaler l’avancement", "Signaler un blocage", "Ajouter un lien de preuve", "Signaler comme atteint"],
    overdue_since: "en retard depuis le",
};

pub static ES: MailTexts = MailTexts {
    lang: "es",
    digest: "Boletín de salvaguardias",
    quiet: "Nada cambió en sus países desde su último boletín.",
    quiet_all: "Ningún país informó de cambios desde el boletín anterior.",
    colon: ": ",
    achieved: "Logrado",
    verified: "Verificado",
    new_commitment: "Nuevo compromiso",
    blocked: "Bloqueado",
    overdue: "Atrasado",
    activity: "Actividad",
    completion: "Avance",
    country: "País",
    verified_col: "Verificados",
    change: "Cambio",
    no_change: "sin cambios",
    points: "puntos",
    commitment: "Compromiso",
    open: "Abrir el seguimiento",
    on_the_web: "Leer este boletín en la web",
    why: "Recibe este mensaje porque se suscribió al Boletín de salvaguardias.",
    manage: "Elegir países, principios, idioma o frecuencia",
    unsubscribe: "Darse de baja",
    evidence: "evidencia",
    principles: "principios",
    due: "vence",
    on: "el",
    more_overdue: Count {
        one: "y {n} hito atrasado más",
        many: "y {n} hitos atrasados más",
    },
    days_late: Count {
        one: "{n} día de retraso",
        many: "{n} días de retraso",
    },
    summary_verified: Count {
        one: "{n} hito verificado",
        many: "{n} hitos verificados",
    },
    summary_in_countries: Count {
        one: "en {n} país",
        many: "en {n} países",
    },
    summary_achieved: Count {
        one: "{n} hito logrado",
        many: "{n} hitos logrados",
    },
    summary_commitments: Count {
        one: "{n} compromiso nuevo",
        many: "{n} compromisos nuevos",
    },
    summary_blocked: Count {
        one: "{n} hito bloqueado",
        many: "{n} hitos bloqueados",
    },
    summary_activities: Count {
        one: "{n} actividad",
        many: "{n} actividades",
    },
    summary_overdue: Count {
        one: "{n} hito atrasado",
        many: "{n} hitos atrasados",
    },
    summary_rose: "el avance de {country} subió {points} puntos",
    summary_fell: "el avance de {country} bajó {points} puntos",
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    date: "{d} de {month} de {y}",
    decimal_comma: true,
    activity_kinds: ActivityWords {
        convening: "Convocatoria",
        workshop: "Taller",
        dialogue: "Diálogo",
        commitment_letter: "Carta de compromiso",
        showcase: "Presentación",
        accelerator: "Acelerador",
        roadmap: "Hoja de ruta",
        other: "Actividad",
    },
    confirm_subject: "Confirme su suscripción al Boletín de salvaguardias",
    confirm_hello: "Hola:",
    confirm_ask: "Confirme que desea recibir el Boletín de salvaguardias:",
    confirm_button: "Confirmar mi suscripción",
    confirm_note: "El enlace es válido durante 48 horas. Si no lo pidió, ignore este mensaje y no recibirá nada.",
    your_milestones: "Sus hitos",
    your_milestones_note: "Vencen en 14 días o están atrasados en sus países. Cada enlace actúa por usted, una vez, durante 14 días, sin iniciar sesión: no reenvíe este correo.",
    link_actions: ["Informar el avance", "Marcar como bloqueado", "Añadir un enlace de evidencia", "Informar como logrado"],
    overdue_since: "atrasado desde el",
};

/// The texts of a language.
pub fn mail_texts(lang: Language) -> &'static MailTexts {
    match lang {
        Language::En => &EN,
        Language::Fr => &FR,
        Language::Es => &ES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_counts_are_written_the_way_each_language_writes_them() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(EN.day(day), "3 December 2026");
        assert_eq!(FR.day(day), "3 décembre 2026");
        assert_eq!(ES.day(day), "3 de diciembre de 2026");
        assert_eq!(EN.decimal(42.25), "42.2");
        assert_eq!(FR.decimal(4.0), "4,0");
        assert_eq!(EN.points_change(4.0), "+4.0 points");
        assert_eq!(ES.points_change(-2.5), "−2,5 puntos");
        assert_eq!(EN.days_late.of(1), "1 day late");
        assert_eq!(FR.days_late.of(12), "12 jours de retard");
        assert_eq!(ES.summary_in_countries.of(2), "en 2 países");
    }
}
