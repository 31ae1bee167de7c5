//! The mails in the six official UN languages, chosen by the reader's language: the words are
//! `mail.ftl` of `safeguards-texts` (through `Deref`), and this module writes numbers and dates
//! the way `formats.ftl` says each language writes them.

use std::ops::Deref;
use std::sync::LazyLock;

use chrono::NaiveDate;
use safeguards_domain::subscriber::Language;
use safeguards_texts::format;
use safeguards_texts::{Formats, Locale, Mail};

/// Every text of the mails in one language.
#[derive(Debug)]
pub struct MailTexts {
    /// The language's code.
    pub lang: &'static str,
    /// `rtl` or `ltr`, for the mail's `dir`.
    pub dir: &'static str,
    pub language: Language,
    /// The language and its digits, for numbers and dates.
    pub locale: Locale,
    words: &'static Mail,
    formats: &'static Formats,
}

impl Deref for MailTexts {
    type Target = Mail;
    fn deref(&self) -> &Mail {
        self.words
    }
}

static TEXTS: LazyLock<Vec<MailTexts>> = LazyLock::new(|| {
    Locale::all()
        .map(|locale| {
            let l = locale.language;
            let c = safeguards_texts::catalogue(locale);
            MailTexts {
                lang: l.into(),
                dir: safeguards_texts::direction(l),
                language: l,
                locale,
                words: &c.mail,
                formats: &c.formats,
            }
        })
        .collect()
});

/// The texts of a language (and its digits).
pub fn mail_texts(locale: impl Into<Locale>) -> &'static MailTexts {
    &TEXTS[locale.into().slot()]
}

impl MailTexts {
    /// The mail's `Content-Language` header (RFC 3282).
    pub fn content_language(&self) -> lettre::message::header::HeaderValue {
        use lettre::message::header::{HeaderName, HeaderValue};
        HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            self.lang.to_string(),
        )
    }

    /// `x` with one decimal, as the language writes it (CLDR, through ICU4X).
    pub fn decimal(&self, x: f64) -> String {
        format::decimal(self.locale, x, 1)
    }

    /// A percentage with one decimal, as the language writes it: "35.1%", "35,1 %".
    pub fn percent(&self, x: f64) -> String {
        self.formats.percent(self.decimal(x))
    }

    /// A file's size: whole kibibytes below one mebibyte (at least 1), else mebibytes with one
    /// decimal: "340 KB", "2.4 MB", "2,4 Mo".
    pub fn size(&self, bytes: u64) -> String {
        const MIB: u64 = 1024 * 1024;
        if bytes < MIB {
            let kib = bytes.div_ceil(1024).max(1);
            self.formats
                .size_kb(format::number(self.locale, &kib.to_string()))
        } else {
            self.formats
                .size_mb(self.decimal(bytes as f64 / MIB as f64))
        }
    }

    /// A whole percentage: "50%", "50 %".
    pub fn whole_percent(&self, n: impl std::fmt::Display) -> String {
        self.formats
            .percent(format::number(self.locale, &n.to_string()))
    }

    /// Clauses joined as a list, ended as a sentence: "3 countries, 4 commitments.".
    pub fn sentence(&self, clauses: &[String]) -> String {
        clauses.join(self.formats.list_separator) + self.formats.full_stop
    }

    /// A country's name in this language, else `name` (the name the record carries).
    pub fn country_or(&self, code: impl AsRef<str>, name: impl AsRef<str>) -> String {
        safeguards_texts::country(self.language, code.as_ref())
            .unwrap_or(name.as_ref())
            .to_string()
    }

    /// A change in points with its sign: "+4.0 points".
    pub fn points_change(&self, delta: f64) -> String {
        let sign = if delta > 0.0 { "+" } else { "−" };
        format!("{sign}{} {}", self.decimal(delta.abs()), self.points)
    }

    /// A day as the language writes it (CLDR's long date): "3 December 2026", "3 décembre
    /// 2026", "2026年12月3日".
    pub fn day(&self, d: NaiveDate) -> String {
        format::day(self.locale, d)
    }

    /// An activity kind (its code, e.g. `workshop`) in words.
    pub fn activity_kind(&self, code: &str) -> &'static str {
        self.by_id(&format!("activity-{}", code.replace('_', "-")))
            .unwrap_or(self.activity_other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without the isolation marks Fluent puts around what it inserts.
    fn plain(s: String) -> String {
        s.replace(['\u{2068}', '\u{2069}'], "")
    }

    #[test]
    fn numbers_dates_and_counts_are_written_the_way_each_language_writes_them() {
        let [en, fr, es, ru, zh, ar] = [
            Language::En,
            Language::Fr,
            Language::Es,
            Language::Ru,
            Language::Zh,
            Language::Ar,
        ]
        .map(mail_texts);
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(en.day(day), "3 December 2026");
        assert_eq!(fr.day(day), "3 décembre 2026");
        assert_eq!(es.day(day), "3 de diciembre de 2026");
        assert_eq!(ru.day(day), "3 декабря 2026\u{202f}г.");
        assert_eq!(zh.day(day), "2026年12月3日");
        assert_eq!(ar.day(day), "3 ديسمبر 2026");
        assert_eq!(en.decimal(42.25), "42.2");
        assert_eq!(fr.decimal(4.0), "4,0");
        assert_eq!(ru.decimal(4.5), "4,5");
        assert_eq!(en.points_change(4.0), "+4.0 points");
        assert_eq!(en.percent(35.14), "35.1%");
        assert_eq!(fr.percent(35.14), "35,1\u{202f}%");
        assert_eq!(es.whole_percent(50), "50\u{a0}%");
        assert_eq!(zh.sentence(&["1".into(), "2".into()]), "1，2。");
        assert_eq!(es.points_change(-2.5), "−2,5 puntos");
        assert_eq!(plain(en.days_late(1)), "1 day late");
        assert_eq!(plain(fr.days_late(12)), "12 jours de retard");
        assert_eq!(plain(es.summary_in_countries(2)), "en 2 países");
        assert_eq!(en.activity_kind("commitment_letter"), "Commitment letter");
        assert_eq!(en.activity_kind("unheard_of"), "Activity");
    }

    #[test]
    fn counts_take_each_languages_plural_forms() {
        let ru = mail_texts(Language::Ru);
        let forms: Vec<String> = [1, 2, 5]
            .map(|n| plain(ru.summary_verified(n)).replace(&n.to_string(), ""))
            .into();
        assert_ne!(forms[0], forms[1], "{forms:?}");
        assert_ne!(forms[1], forms[2], "{forms:?}");
        let ar = mail_texts(Language::Ar);
        let forms: Vec<String> = [0, 1, 2, 3, 11, 100]
            .map(|n| plain(ar.summary_verified(n)).replace(&n.to_string(), ""))
            .into();
        let distinct: std::collections::BTreeSet<_> = forms.iter().collect();
        assert_eq!(distinct.len(), 6, "{forms:?}");
        let fr = mail_texts(Language::Fr);
        assert_eq!(
            plain(fr.summary_verified(0)),
            plain(fr.summary_verified(1)).replace('1', "0")
        );
    }
}
