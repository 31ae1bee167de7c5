//! Numbers and dates as each language writes them, by CLDR through ICU4X: the decimal separator
//! and grouping ("1,234.5", "1 234,5"), the long date ("3 December 2026", "3 décembre 2026",
//! "2026年12月3日", "3 декабря 2026 г."). English is written as the United Nations writes it
//! (British usage: the day before the month). Digits are Latin in every language, Arabic
//! included, unless Arabic-Indic digits are asked for ([`Locale`]'s `digits`).

use std::sync::LazyLock;

use chrono::Datelike;
use icu_calendar::{Date, Gregorian};
use icu_datetime::fieldsets::YMD;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::DecimalFormatter;
use safeguards_domain::subscriber::{Digits, Language};

use crate::Locale;

/// One language's formatters.
struct Formatters {
    decimal: DecimalFormatter,
    date: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
}

static FORMATTERS: LazyLock<Vec<Formatters>> = LazyLock::new(|| {
    Locale::all()
        .map(|l| {
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
fn locale(l: Locale) -> icu_locale_core::Locale {
    let tag = match (l.language, l.digits) {
        (Language::En, _) => "en-GB",
        (Language::Ar, Digits::Latin) => "ar-u-nu-latn",
        (Language::Ar, Digits::Arab) => "ar-u-nu-arab",
        (other, _) => other.into(),
    };
    tag.parse().expect("a valid locale")
}

fn formatters(l: impl Into<Locale>) -> &'static Formatters {
    &FORMATTERS[l.into().slot()]
}

/// The regions whose Arabic CLDR writes with Arabic-Indic digits, read from CLDR once.
static ARAB_REGIONS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    [
        "AE", "BH", "DJ", "DZ", "EG", "EH", "ER", "IL", "IQ", "JO", "KM", "KW", "LB", "LY", "MA",
        "MR", "OM", "PS", "QA", "SA", "SD", "SO", "SS", "SY", "TD", "TN", "YE",
    ]
    .into_iter()
    .filter(|region| {
        let tag: Result<icu_locale_core::Locale, _> = format!("ar-{region}").parse();
        tag.ok()
            .and_then(|l| DecimalFormatter::try_new((&l).into(), Default::default()).ok())
            .is_some_and(|f| f.format(&Decimal::from(0)).to_string() != "0")
    })
    .collect()
});

/// The digits CLDR gives a language tag: Arabic-Indic for the Arabic of a region that writes
/// them (`ar-EG`, `ar-SA`), Latin for anything else (`ar`, `ar-MA`, `fr-CA`).
pub fn digits_of(tag: &str) -> Digits {
    let mut subtags = tag.trim().split(['-', '_']);
    if !subtags.next().is_some_and(|l| l.eq_ignore_ascii_case("ar")) {
        return Digits::Latin;
    }
    let region = subtags.find(|s| s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic()));
    match region {
        Some(r) if ARAB_REGIONS.iter().any(|a| a.eq_ignore_ascii_case(r)) => Digits::Arab,
        _ => Digits::Latin,
    }
}

/// `x` with `fraction` digits after the separator (rounded as `format!` rounds).
pub fn decimal(l: impl Into<Locale>, x: f64, fraction: usize) -> String {
    number(l, &format!("{x:.fraction$}"))
}

/// A number written the Rust way (`1234.5`, `12`) as the language writes it; anything else
/// as it is.
pub fn number(l: impl Into<Locale>, written: &str) -> String {
    match Decimal::try_from_str(written) {
        Ok(d) => formatters(l).decimal.format(&d).to_string(),
        Err(_) => written.to_string(),
    }
}

/// Message text with its quantities ("14 days", "0 to 100") in Arabic-Indic digits. A digit
/// run touching a letter, a bracket or a separator is part of a code or of a format to type
/// (`O3.7`, `2027-03-31`, `ISO 3166-1`, `[0]`) and stays; comments and message ids stay.
pub fn arab_text(source: &str) -> String {
    let keeps =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || "-.:/[]_$".contains(c));
    let mut out = String::with_capacity(source.len() * 2);
    for line in source.split_inclusive('\n') {
        if line.starts_with('#') {
            out.push_str(line);
            continue;
        }
        // The id of a message stays as it is.
        let (id, text) = match line.split_once('=') {
            Some((id, rest)) if line.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                (&line[..id.len() + 1], rest)
            }
            _ => ("", line),
        };
        out.push_str(id);
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_digit() {
                out.push(chars[i]);
                i += 1;
                continue;
            }
            let end = (i..chars.len())
                .find(|&j| !chars[j].is_ascii_digit())
                .unwrap_or(chars.len());
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(end).copied();
            let quantity = !keeps(before) && !keeps(after);
            for &c in &chars[i..end] {
                out.push(if quantity { arab_digit(c) } else { c });
            }
            i = end;
        }
    }
    out
}

/// `text` with its digits in the locale's: a time of day ("09:30", "٠٩:٣٠").
pub fn digits(l: impl Into<Locale>, text: &str) -> String {
    match l.into().digits {
        Digits::Latin => text.to_string(),
        Digits::Arab => text
            .chars()
            .map(|c| if c.is_ascii_digit() { arab_digit(c) } else { c })
            .collect(),
    }
}

fn arab_digit(c: char) -> char {
    char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap_or(c)
}

/// A day in the language's long form.
pub fn day(l: impl Into<Locale>, d: chrono::NaiveDate) -> String {
    let month = u8::try_from(d.month()).unwrap_or(1);
    let day = u8::try_from(d.day()).unwrap_or(1);
    match Date::try_new_gregorian(d.year(), month, day) {
        Ok(date) => formatters(l).date.format(&date).to_string(),
        Err(_) => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_indic_digits_are_asked_for_and_given_as_cldr_gives_them() {
        let arab = Locale::new(Language::Ar, Digits::Arab);
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(day(arab, d), "٣ ديسمبر ٢٠٢٦");
        assert_eq!(decimal(arab, 35.14, 1), "٣٥٫١");
        assert_eq!(number(arab, "1234"), "١٬٢٣٤");
        assert_eq!(digits_of("ar-EG"), Digits::Arab);
        assert_eq!(digits_of("ar-sa"), Digits::Arab);
        assert_eq!(digits_of("ar"), Digits::Latin);
        assert_eq!(digits_of("ar-MA"), Digits::Latin);
        assert_eq!(digits_of("fr-EG"), Digits::Latin);
        // Only Arabic writes them.
        assert_eq!(
            Locale::new(Language::Fr, Digits::Arab).digits,
            Digits::Latin
        );
        assert_eq!(
            arab_text("late = 14 days, 0 to 100, like O3.7 or 2027-03-31, ISO 3166-1 [0]\n# 14\n"),
            "late = ١٤ days, ٠ to ١٠٠, like O3.7 or 2027-03-31, ISO 3166-1 [0]\n# 14\n"
        );
    }

    #[test]
    fn numbers_and_days_are_written_as_cldr_says_for_each_language() {
        use strum::VariantArray;
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
