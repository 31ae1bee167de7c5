//! Numbers and dates as each language writes them, by CLDR through ICU4X: the decimal separator
//! and grouping ("1,234.5", "1 234,5"), the long date ("3 December 2026", "3 décembre 2026",
//! "2026年12月3日", "3 декабря 2026 г."). English is written as the United Nations writes it
//! (British usage: the day before the month). Digits are Latin in every language, Arabic
//! included, as CLDR's default for `ar`.

use std::sync::LazyLock;

use chrono::Datelike;
use icu_calendar::{Date, Gregorian};
use icu_datetime::fieldsets::YMD;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use safeguards_domain::subscriber::Language;
use strum::VariantArray;

/// One language's formatters.
struct Formatters {
    decimal: DecimalFormatter,
    date: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
}

static FORMATTERS: LazyLock<Vec<Formatters>> = LazyLock::new(|| {
    Language::VARIANTS
        .iter()
        .map(|&l| {
            let locale = locale(l);
            Formatters {
                decimal: DecimalFormatter::try_new((&locale).into(), Default::default())
                    .expect("compiled data has every UN language"),
                date: FixedCalendarDateTimeFormatter::try_new((&locale).into(), YMD::long())
                    .expect("compiled data has every UN language"),
            }
        })
        .collect()
});

/// The CLDR locale a language is formatted in.
fn locale(lang: Language) -> Locale {
    let tag = match lang {
        Language::En => "en-GB",
        Language::Ar => "ar-u-nu-latn",
        other => other.into(),
    };
    tag.parse().expect("a valid locale")
}

fn formatters(lang: Language) -> &'static Formatters {
    &FORMATTERS[crate::index(lang)]
}

/// `x` with `fraction` digits after the separator (rounded as `format!` rounds).
pub fn decimal(lang: Language, x: f64, fraction: usize) -> String {
    number(lang, &format!("{x:.fraction$}"))
}

/// A number written the Rust way (`1234.5`, `12`) as the language writes it; anything else
/// as it is.
pub fn number(lang: Language, written: &str) -> String {
    match Decimal::try_from_str(written) {
        Ok(d) => formatters(lang).decimal.format(&d).to_string(),
        Err(_) => written.to_string(),
    }
}

/// A day in the language's long form.
pub fn day(lang: Language, d: chrono::NaiveDate) -> String {
    let month = u8::try_from(d.month()).unwrap_or(1);
    let day = u8::try_from(d.day()).unwrap_or(1);
    match Date::try_new_gregorian(d.year(), month, day) {
        Ok(date) => formatters(lang).date.format(&date).to_string(),
        Err(_) => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_days_are_written_as_cldr_says_for_each_language() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let days: Vec<String> = Language::VARIANTS.iter().map(|&l| day(l, d)).collect();
        assert_eq!(
            days,
            [
                "3 ديسمبر 2026",
                "2026年12月3日",
                "3 December 2026",
                "3 décembre 2026",
                "3 декабря 2026\u{202f}г.",
                "3 de diciembre de 2026",
            ]
        );
        assert_eq!(decimal(Language::En, 1234.56, 1), "1,234.6");
        assert_eq!(decimal(Language::Fr, 1234.56, 1), "1\u{202f}234,6");
        assert_eq!(decimal(Language::Ru, 35.14, 1), "35,1");
        assert_eq!(decimal(Language::Ar, 35.14, 1), "35.1");
        assert_eq!(decimal(Language::En, 42.25, 1), "42.2");
        assert_eq!(number(Language::Es, "12"), "12");
        assert_eq!(number(Language::En, "12345"), "12,345");
        assert_eq!(number(Language::En, "n/a"), "n/a");
    }
}
