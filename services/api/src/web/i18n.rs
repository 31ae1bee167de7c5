//! The pages in the six official UN languages. The texts are the Fluent files of
//! `safeguards-texts` (services/texts/locales); this module picks the language of a request:
//! `?lang=` (kept in a cookie), else the signed-in account's language, else the browser's
//! `Accept-Language`, else English.

use std::ops::Deref;
use std::sync::LazyLock;

use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use safeguards_digest::texts::{mail_texts, MailTexts};
use safeguards_domain::milestone::MilestoneStep;
use safeguards_domain::reason::Reason;
use safeguards_domain::subscriber::{Digits, Language};
use safeguards_domain::values::{AuthorityCode, DpiSystemType, PrincipleCode, RiskCode, StageCode};
use safeguards_projections::activity::ActivityLine;
use safeguards_texts::{Actions, Activity, Errors, Framework, Locale, Pages, Public, Sheet};
use strum::VariantArray;

/// Every text of the pages in one language: the messages of `pages.ftl` (through `Deref`), and
/// of the other groups by name.
#[derive(Debug)]
pub struct Texts {
    /// The language's code, for `<html lang>`.
    pub lang: &'static str,
    /// `rtl` or `ltr`, for `<html dir>`.
    pub dir: &'static str,
    pub language: Language,
    /// The language and its digits.
    pub locale: Locale,
    /// The framework pages' texts.
    pub fw: &'static Framework,
    /// The public pages' texts.
    pub pb: &'static Public,
    /// The texts of the action links' pages.
    pub ac: &'static Actions,
    /// The texts of the spreadsheet round trip.
    pub sh: &'static Sheet,
    pages: &'static Pages,
    lines: &'static Activity,
    errors: &'static Errors,
}

/// A language in the switch every page carries: its code, its own name, its direction.
#[derive(Debug)]
pub struct LanguageLink {
    pub code: &'static str,
    pub name: &'static str,
    pub dir: &'static str,
}

/// A code of the framework's vocabulary (a principle, a stage, …), named in each language by
/// `vocabulary.ftl` as `<kind>-<code>`.
pub trait Term: Copy {
    /// `principle`, `stage`, `authority`, `risk`, `dpi_system`.
    fn kind(self) -> &'static str;
    fn code(self) -> &'static str;
    /// The catalogue's own (English) name, for a code the message files do not know yet.
    fn catalogue_name(self) -> &'static str;
}

macro_rules! terms {
    ($($code:ty),*) => {$(
        impl Term for $code {
            fn kind(self) -> &'static str {
                <$code>::KIND
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn catalogue_name(self) -> &'static str {
                self.name()
            }
        }
    )*};
}
terms!(
    PrincipleCode,
    StageCode,
    AuthorityCode,
    RiskCode,
    DpiSystemType
);

impl Deref for Texts {
    type Target = Pages;
    fn deref(&self) -> &Pages {
        self.pages
    }
}

static TEXTS: LazyLock<Vec<Texts>> = LazyLock::new(|| {
    Locale::all()
        .map(|locale| {
            let language = locale.language;
            let c = safeguards_texts::catalogue(locale);
            Texts {
                lang: language.into(),
                dir: safeguards_texts::direction(language),
                language,
                locale,
                fw: &c.framework,
                pb: &c.public,
                ac: &c.actions,
                sh: &c.sheet,
                pages: &c.pages,
                lines: &c.activity,
                errors: &c.errors,
            }
        })
        .collect()
});

impl Texts {
    fn mail(&self) -> &'static MailTexts {
        mail_texts(self.locale)
    }
    /// `text`'s digits in the page's digits: "09:30", "٠٩:٣٠".
    pub fn digits(&self, text: impl AsRef<str>) -> String {
        safeguards_texts::format::digits(self.locale, text.as_ref())
    }
    /// A whole number as the language writes it, in its digits: "1,234", "١٬٢٣٤".
    pub fn n(&self, x: impl std::fmt::Display) -> String {
        safeguards_texts::format::number(self.locale, &x.to_string())
    }
    /// `x` with one decimal as the language writes it: "20.0", "20,0".
    pub fn decimal(&self, x: impl std::borrow::Borrow<f64>) -> String {
        self.mail().decimal(*x.borrow())
    }
    /// The name of a framework code in this language: "Do no harm", "Ne pas nuire".
    pub fn term(&self, code: impl Term) -> &'static str {
        safeguards_texts::term(self.language, code.kind(), code.code())
            .unwrap_or_else(|| code.catalogue_name())
    }
    /// A code and its name: "L1 — Conception and scoping".
    pub fn coded(&self, code: impl Term) -> String {
        format!("{} — {}", code.code(), self.term(code))
    }
    /// A country's name in this language, else `name` (the name the record carries).
    pub fn country_or(&self, code: impl AsRef<str>, name: impl AsRef<str>) -> String {
        self.mail().country_or(code, name)
    }
    /// The language switch: every language by its own name.
    pub fn switch(&self) -> Vec<LanguageLink> {
        Language::VARIANTS
            .iter()
            .map(|&l| texts(l))
            .map(|t| LanguageLink {
                code: t.lang,
                name: t.language_name,
                dir: t.dir,
            })
            .collect()
    }

    /// A line of recent history in this language, from what the line inserts (codes named,
    /// dates and percentages written the language's way); its English text for an event no
    /// message names.
    pub fn history_line(&self, line: &ActivityLine) -> String {
        let mut id = String::from("activity");
        for c in line.event_type.chars() {
            if c.is_uppercase() {
                id.push('-');
            }
            id.push(c.to_ascii_lowercase());
        }
        let shown: Vec<(&str, String)> = line
            .facts
            .iter()
            .map(|(name, value)| (name.as_str(), self.fact(name, value)))
            .collect();
        let args: Vec<(&str, &str)> = shown.iter().map(|(n, v)| (*n, v.as_str())).collect();
        self.lines
            .format_by_id(&id, &args)
            .unwrap_or_else(|| line.text.clone())
    }

    /// A refusal in this language: its code's message in `errors.ftl`, the codes it inserts
    /// (a status, a stage, a country) named; its English sentence for a code no message names.
    pub fn reason(&self, r: &Reason) -> String {
        let shown: Vec<(&str, String)> = r
            .args
            .iter()
            .map(|(name, value)| (*name, self.fact(name, value)))
            .collect();
        let args: Vec<(&str, &str)> = shown.iter().map(|(n, v)| (*n, v.as_str())).collect();
        self.errors
            .format_by_id(r.code, &args)
            .unwrap_or_else(|| r.english.clone())
    }

    /// Why a use case refused, in this language: its reason's message; for a refusal without
    /// a reason, the page's words for its kind. (The API's English `detail` is for the API.)
    pub fn refusal(&self, e: &safeguards_app::AppError) -> String {
        use safeguards_app::AppError as E;
        match e {
            E::Invalid(f) => self.reason(&f.reason),
            E::Conflict(r) | E::Forbidden(r) => self.reason(r),
            E::Stale { .. } => self.changed_meanwhile.into(),
            E::TooMany { .. } => self.too_many.into(),
            E::TooLarge { max } => self.document_too_large(self.size(*max)),
            E::Unsupported(r) => self.reason(r),
            E::Unauthorized => self.wrong_login.into(),
            E::NotFound(_) => self.no_such.into(),
            E::Unavailable(_) | E::Internal(_) => self.failed.into(),
        }
    }

    /// An answer of the API's kind, for a page: its reason in this language; for one without,
    /// the page's words for its status.
    pub fn api_refusal(&self, e: &crate::http::error::ApiError) -> String {
        use axum::http::StatusCode as S;
        match (&e.reason, e.status) {
            (Some(r), _) => self.reason(r),
            (None, S::TOO_MANY_REQUESTS) => self.too_many.into(),
            (None, S::NOT_FOUND) => self.no_such.into(),
            (None, S::UNAUTHORIZED) => self.wrong_login.into(),
            (None, _) => self.failed.into(),
        }
    }

    /// A fact of a history line, or a value a refusal inserts, as this language shows it.
    fn fact(&self, name: &str, value: &str) -> String {
        let date = || chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
        match name {
            "system" => DpiSystemType::parse(value)
                .map(|c| self.term(c).to_string())
                .ok(),
            "stage" => StageCode::parse(value).map(|c| self.coded(c)).ok(),
            "from" | "to" => StageCode::parse(value)
                .map(|c| self.coded(c))
                .ok()
                .or_else(|| Some(status_word(self, value).to_string()).filter(|w| !w.is_empty())),
            "kind" => Some(self.activity_kind(value).to_string()),
            "status" => Some(status_word(self, value).to_string()).filter(|w| !w.is_empty()),
            "step" => value
                .parse::<MilestoneStep>()
                .ok()
                .map(|s| step_label(texts(self.language), s).to_string()),
            "country" => Some(self.country_or(value, value)),
            "role" => Some(role_word(self, value).to_string()).filter(|w| !w.is_empty()),
            // A list of codes: a status among them in words.
            "choices" => Some(
                value
                    .split(", ")
                    .map(|c| {
                        Some(status_word(self, c))
                            .filter(|w| !w.is_empty())
                            .unwrap_or(c)
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            "max" | "min" | "first" | "version" | "current" => Some(self.n(value)),
            "due" | "day" => date().map(|d| self.day(d)),
            "percent" => Some(self.whole_percent(value)),
            _ => None,
        }
        .unwrap_or_else(|| value.to_string())
    }

    /// A percentage with one decimal as the language writes it: "35.1%", "35,1 %".
    pub fn percent(&self, x: impl std::borrow::Borrow<f64>) -> String {
        self.mail().percent(*x.borrow())
    }
    /// A whole percentage: "50%", "50 %".
    pub fn whole_percent(&self, n: impl std::fmt::Display) -> String {
        self.mail().whole_percent(n)
    }
    /// Clauses joined as a list and ended as a sentence.
    pub fn sentence(&self, clauses: &[String]) -> String {
        self.mail().sentence(clauses)
    }
    /// A file's size as the language writes it: "340 KB", "2,4 Mo".
    pub fn size(&self, bytes: u64) -> String {
        self.mail().size(bytes)
    }
    /// A day as the language writes it: "3 December 2026", "3 décembre 2026".
    pub fn day(&self, d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
        self.mail().day(*d.borrow())
    }
    /// An activity kind (`workshop`) in words.
    pub fn activity_kind(&self, code: &str) -> &'static str {
        self.mail().activity_kind(code)
    }
}

/// The texts of a language (and its digits).
pub fn texts(locale: impl Into<Locale>) -> &'static Texts {
    &TEXTS[locale.into().slot()]
}

/// The language of a code: exactly one of the six (`?lang=`, the cookie), or a language tag of
/// `Accept-Language` (`fr-CA`, `zh-Hans-CN`). Chinese is offered in Simplified script: `zh`,
/// `zh-CN`, `zh-SG` and `zh-Hans…` are Chinese; `zh-TW`, `zh-HK`, `zh-MO` and `zh-Hant…` are not.
fn parse(tag: &str) -> Option<Language> {
    let tag = tag.trim().to_ascii_lowercase();
    let mut subtags = tag.split(['-', '_']);
    let primary = subtags.next()?;
    let language: Language = primary.parse().ok()?;
    if language == Language::Zh {
        let traditional = subtags.any(|s| matches!(s, "hant" | "tw" | "hk" | "mo"));
        if traditional {
            return None;
        }
    }
    Some(language)
}

/// The digits a language tag asks for itself: a region's (`ar-EG`: Arabic-Indic) or an
/// extension's (`ar-u-nu-arab`); none for a bare language (`ar`).
fn tag_digits(tag: &str) -> Option<Digits> {
    let tag = tag.trim().to_ascii_lowercase();
    if tag.contains("-u-nu-arab") {
        return Some(Digits::Arab);
    }
    if tag.contains("-u-nu-latn") {
        return Some(Digits::Latin);
    }
    tag.split(['-', '_'])
        .skip(1)
        .any(|s| s.len() == 2)
        .then(|| Locale::digits_of_tag(&tag))
}

/// The language of a page request, and whether `?lang=` chose it (then the choice is kept in
/// a cookie by [`remember`]).
pub fn language(parts: &Parts) -> (Locale, bool) {
    language_for(parts, None, Digits::Latin)
}

/// As [`language`], with the signed-in account's choice between the switch and the browser.
/// The digits are the tag's own (`ar-EG`), else the account's, else Latin.
pub fn language_for(parts: &Parts, account: Option<Language>, digits: Digits) -> (Locale, bool) {
    let with = |tag: &str| parse(tag).map(|l| Locale::new(l, tag_digits(tag).unwrap_or(digits)));
    let query = parts
        .uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
        .and_then(with);
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
        .find_map(with);
    if let Some(l) = cookie.or(account.map(|l| Locale::new(l, digits))) {
        return (l, false);
    }
    let accepted = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|tag| with(tag.split(';').next().unwrap_or("")))
        });
    (accepted.unwrap_or_default(), false)
}

/// Keep a language chosen with `?lang=` in a cookie (with Arabic-Indic digits, `ar-u-nu-arab`).
pub fn remember(mut response: Response, locale: Locale, chosen: bool) -> Response {
    if chosen {
        let code: &str = match locale.digits {
            Digits::Arab => "ar-u-nu-arab",
            Digits::Latin => locale.language.into(),
        };
        if let Ok(v) = HeaderValue::from_str(&format!(
            "sg_lang={code}; Path=/; SameSite=Lax; Max-Age=31536000"
        )) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// The label of a milestone step: its form's heading and button, and its confirmation.
pub fn step_label(t: &'static Texts, step: MilestoneStep) -> &'static str {
    match step {
        MilestoneStep::Start => t.start,
        MilestoneStep::Progress => t.report_progress,
        MilestoneStep::Achieve => t.report_achieved,
        MilestoneStep::Evidence => t.ac.add_evidence,
        MilestoneStep::Block => t.block,
        MilestoneStep::Unblock => t.unblock,
        MilestoneStep::Reschedule => t.reschedule,
        MilestoneStep::Cancel => t.cancel_milestone,
        MilestoneStep::Verify => t.verify,
        MilestoneStep::Reject => t.send_back,
    }
}

/// A role (`admin`, `programme_manager`, …) in the page's language.
pub fn role_word(t: &Texts, role: &str) -> &'static str {
    word(t, "role", role)
}

/// A status word (`in_progress`, `exploring`, …) in the page's language.
pub fn status_word(t: &Texts, status: &str) -> &'static str {
    word(t, "status", status)
}

/// The word for a code (`in_progress`) of a kind (`status`): message `status-in-progress`, or
/// nothing for a code no message names.
pub fn word(t: &Texts, kind: &str, code: &str) -> &'static str {
    t.by_id(&format!("{kind}-{}", code.replace('_', "-")))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `reason!("code", …, name = …)` of the domain, the use cases and this crate: the
    /// code and the names of the values it inserts.
    fn reasons_in_the_code() -> Vec<(String, String, Vec<String>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = vec![];
        let mut dirs: Vec<_> = ["domain/src", "services/app/src", "services/api/src"]
            .iter()
            .map(|d| root.join(d))
            .collect();
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
        let mut found = vec![];
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (at, _) in text.match_indices("reason!(") {
                let rest = &text[at + "reason!(".len()..];
                // The invocation up to its closing parenthesis.
                let mut depth = 1;
                let end = rest
                    .char_indices()
                    .find(|(_, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map_or(rest.len(), |(i, _)| i);
                let call = &rest[..end];
                // (This test's own mentions of the macro name no code.)
                let Some(code) = call
                    .trim_start()
                    .strip_prefix('"')
                    .and_then(|c| c.split('"').next())
                    .filter(|c| {
                        *c != "code"
                            && !c.is_empty()
                            && c.chars()
                                .all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == '-')
                    })
                else {
                    continue;
                };
                // Named values: `, name = value` after the sentence (the second literal).
                let sentence = call.trim_start()[code.len() + 2..]
                    .split_once('"')
                    .map_or("", |(_, s)| s);
                let mut escaped = false;
                let close = sentence
                    .char_indices()
                    .find(|(_, c)| {
                        let end = *c == '"' && !escaped;
                        escaped = *c == '\\' && !escaped;
                        end
                    })
                    .map_or(sentence.len(), |(i, _)| i + 1);
                let after = &sentence[close..];
                let names = after
                    .split(',')
                    .filter_map(|part| part.split_once('=').map(|(n, _)| n.trim().to_string()))
                    .filter(|n| {
                        !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    })
                    .collect();
                found.push((file.display().to_string(), code.to_string(), names));
            }
        }
        found
    }

    #[test]
    fn every_refusal_code_has_a_message_that_inserts_only_what_the_code_gives() {
        let found = reasons_in_the_code();
        assert!(
            found.len() > 80,
            "the scan finds the refusals: {}",
            found.len()
        );
        let mut wrong = vec![];
        for (file, code, names) in found {
            if code == "no-such-code" {
                continue; // the test below, of a code no message names
            }
            let args: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "x")).collect();
            for &l in Language::VARIANTS {
                match texts(l).errors.format_by_id(&code, &args) {
                    None => wrong.push(format!("{file}: `{code}` has no message")),
                    Some(m) if m.contains("{$") => wrong.push(format!(
                        "{file}: `{code}` ({l:?}) needs a value not given: {m}"
                    )),
                    Some(_) => {}
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn a_refusal_names_the_codes_it_inserts_in_the_pages_language() {
        let r = safeguards_domain::reason!(
            "milestone-step-not-allowed",
            "a milestone that is {status} cannot be {step}",
            status = "in_progress",
            step = "verify"
        );
        let fr = texts(Language::Fr).reason(&r);
        assert!(fr.contains("en cours") && fr.contains("Vérifier"), "{fr}");
        assert!(texts(Language::En).reason(&r).contains("in progress"));
        let unknown = safeguards_domain::reason!("no-such-code", "as said in English");
        assert_eq!(texts(Language::Ar).reason(&unknown), "as said in English");
    }

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
            (Locale::from(Language::Fr), true)
        );
        assert_eq!(
            language(&req("/", Some("a=b; sg_lang=es"), Some("fr"))),
            (Locale::from(Language::Es), false)
        );
        assert_eq!(
            language(&req("/", None, Some("de-DE, es;q=0.8"))),
            (Locale::from(Language::Es), false)
        );
        assert_eq!(
            language(&req("/", None, None)),
            (Locale::from(Language::En), false)
        );
        // Arabic-Indic digits: by the browser's region, by the switch's remembered choice, by
        // the account's choice; never for another language.
        let arab = Locale::new(Language::Ar, Digits::Arab);
        assert_eq!(
            language(&req("/", None, Some("ar-EG,ar;q=0.9"))),
            (arab, false)
        );
        assert_eq!(language(&req("/", None, Some("ar"))).0, Language::Ar.into());
        assert_eq!(
            language(&req("/", Some("sg_lang=ar-u-nu-arab"), None)),
            (arab, false)
        );
        let with_account =
            |uri, cookie| language_for(&req(uri, cookie, None), Some(Language::Ar), Digits::Arab);
        assert_eq!(with_account("/?lang=ar", None), (arab, true));
        assert_eq!(with_account("/", None), (arab, false));
        assert_eq!(with_account("/?lang=ar-MA", None).0, Language::Ar.into());
        assert_eq!(with_account("/?lang=fr", None).0, Language::Fr.into());
    }

    #[test]
    fn simplified_chinese_and_arabic_are_told_from_their_tags() {
        for (tag, expected) in [
            ("zh", Some(Language::Zh)),
            ("zh-CN", Some(Language::Zh)),
            ("zh-Hans", Some(Language::Zh)),
            ("zh-Hans-CN", Some(Language::Zh)),
            ("zh-Hant", None),
            ("zh-TW", None),
            ("zh-Hant-HK", None),
            ("ar-EG", Some(Language::Ar)),
            ("ru-RU", Some(Language::Ru)),
            ("de", None),
            ("", None),
        ] {
            assert_eq!(parse(tag), expected, "{tag}");
        }
        let traditional_first = axum::http::Request::builder()
            .header("accept-language", "zh-TW, zh;q=0.9, en;q=0.8")
            .body(())
            .unwrap()
            .into_parts()
            .0;
        assert_eq!(
            language(&traditional_first),
            (Locale::from(Language::Zh), false)
        );
    }

    #[test]
    fn every_status_and_role_has_a_word_in_every_language() {
        let statuses = [
            "planned",
            "in_progress",
            "blocked",
            "achieved",
            "verified",
            "cancelled",
            "exploring",
            "committed",
            "implementing",
            "paused",
            "closed",
        ];
        let roles = ["admin", "programme_manager", "focal_point", "viewer"];
        for &l in Language::VARIANTS {
            let t = texts(l);
            assert_eq!(t.lang, <&str>::from(l));
            for s in statuses {
                assert!(!status_word(t, s).is_empty(), "{} {s}", t.lang);
            }
            for r in roles {
                assert!(!role_word(t, r).is_empty(), "{} {r}", t.lang);
            }
        }
        assert_eq!(status_word(texts(Language::Fr), "in_progress"), "en cours");
        assert_eq!(status_word(texts(Language::Fr), "unheard_of"), "");
        assert_eq!(texts(Language::Ar).dir, "rtl");
    }
}
