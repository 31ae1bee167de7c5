//! Every text a person reads — pages, mails, the spreadsheet — in the six official UN
//! languages. The texts live in `locales/<language>/<group>.ftl` (Fluent, one file per group of
//! pages); the build turns English's messages into typed accessors (see `build.rs`), so a page
//! that names a message English lacks does not compile, and [`problems`] finds what another
//! language lacks, adds or gets wrong. A message a language lacks falls back to English.
//!
//! Placeables are isolated (Unicode FSI … PDI): a name inserted in an Arabic sentence keeps its
//! own direction. `formats.ftl` (percentages, lists) is the exception. Numbers and dates are
//! written by CLDR's rules through ICU4X ([`format`]).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast::Entry;
use safeguards_domain::subscriber::Language;
use strum::VariantArray;

pub use fluent_bundle::FluentValue;
pub use safeguards_domain::subscriber::Digits;

pub mod format;
mod variables;

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

/// A language as a page or a mail writes it: its words and its digits. Arabic is written
/// with Latin digits (CLDR's default for `ar`) or with Arabic-Indic ones (٠١٢٣), everywhere
/// on a page: the numbers its messages insert, the numbers of the messages themselves, dates,
/// percentages. The other languages write Latin digits whatever is asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Locale {
    pub language: Language,
    pub digits: Digits,
}

impl Locale {
    pub fn new(language: Language, digits: Digits) -> Self {
        let digits = match language {
            Language::Ar => digits,
            _ => Digits::Latin,
        };
        Self { language, digits }
    }

    /// Every locale with texts of its own: the six languages in `Language::VARIANTS`' order,
    /// then Arabic with Arabic-Indic digits.
    pub fn all() -> impl Iterator<Item = Locale> {
        Language::VARIANTS
            .iter()
            .map(|&l| Locale::from(l))
            .chain(std::iter::once(Locale::new(Language::Ar, Digits::Arab)))
    }

    /// Where this locale stands in the per-locale tables (see [`Locale::all`]).
    pub fn slot(self) -> usize {
        match (self.language, self.digits) {
            (Language::Ar, Digits::Arab) => Language::VARIANTS.len(),
            (l, _) => index(l),
        }
    }

    /// The language and digits of a BCP 47 tag (`fr-CA`, `ar-EG`, `zh-Hans`): the digits CLDR
    /// gives the tag (`ar-EG` and `ar-SA` write Arabic-Indic digits, `ar` and `ar-MA` Latin).
    pub fn digits_of_tag(tag: &str) -> Digits {
        format::digits_of(tag)
    }
}

impl From<Language> for Locale {
    fn from(language: Language) -> Self {
        Self {
            language,
            digits: Digits::Latin,
        }
    }
}

/// The messages of a language (and its digits).
pub fn catalogue(locale: impl Into<Locale>) -> &'static Catalogue {
    &CATALOGUES[locale.into().slot()]
}

/// The name of a framework code of kind `kind` (`principle`, `dpi_system`) in `lang`, if the
/// vocabulary has one: `vocabulary.ftl`'s `<kind>-<code>`.
pub fn term(lang: Language, kind: &str, code: &str) -> Option<&'static str> {
    let id = format!("{kind}-{code}").replace('_', "-");
    catalogue(lang).vocabulary.by_id(&id)
}

/// A country's name in `lang` (`KEN`: "Kenya", "كينيا"), if `countries.ftl` has the code.
pub fn country(lang: Language, code: &str) -> Option<&'static str> {
    catalogue(lang).countries.by_id(&format!("country-{code}"))
}

/// `rtl` for a language written right to left, else `ltr`.
pub fn direction(lang: Language) -> &'static str {
    match lang {
        Language::Ar => "rtl",
        _ => "ltr",
    }
}

/// Where `lang` stands in `Language::VARIANTS`: the index of every per-language table (texts,
/// formatters, cached bodies).
pub fn index(lang: Language) -> usize {
    Language::VARIANTS
        .iter()
        .position(|&l| l == lang)
        .unwrap_or_default()
}

static ENGLISH: LazyLock<Bundles> =
    LazyLock::new(|| Bundles::new(Locale::from(Language::En), None));
static BUNDLES: LazyLock<Vec<Bundles>> = LazyLock::new(|| {
    Locale::all()
        .map(|l| Bundles::new(l, (l.language != Language::En).then(|| &*ENGLISH)))
        .collect()
});
static CATALOGUES: LazyLock<Vec<Catalogue>> =
    LazyLock::new(|| BUNDLES.iter().map(Catalogue::load).collect());

/// One language's bundles, one per group.
struct Bundles {
    groups: Vec<(&'static str, Bundle)>,
}

impl Bundles {
    fn new(lang: Locale, fallback: Option<&'static Bundles>) -> Self {
        let groups = GROUPS
            .iter()
            .map(|&g| (g, Bundle::new(lang, g, fallback.map(|f| f.get(g)))))
            .collect();
        Self { groups }
    }

    fn get(&self, group: &str) -> &Bundle {
        let (_, bundle) = self
            .groups
            .iter()
            .find(|(g, _)| *g == group)
            .expect("every group is loaded");
        bundle
    }
}

/// The messages of one group in one language, with English's behind them.
pub struct Bundle {
    inner: FluentBundle<FluentResource>,
    fallback: Option<&'static Bundle>,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("locales", &self.inner.locales)
            .finish_non_exhaustive()
    }
}

impl Bundle {
    fn new(lang: Locale, group: &str, fallback: Option<&'static Bundle>) -> Self {
        let code: &str = lang.language.into();
        let locale = code.parse().expect("a language code is a locale");
        let mut inner = FluentBundle::new_concurrent(vec![locale]);
        // `formats.ftl` inserts numbers already written in the language's digits: nothing there
        // needs isolating, and marks would show in every percentage.
        inner.set_use_isolating(group != "formats");
        if let Some(source) = source(code, group) {
            let source = match lang.digits {
                Digits::Latin => source.to_owned(),
                // The messages' own digits, and those of the numbers they insert, written
                // in Arabic-Indic.
                Digits::Arab => {
                    inner.set_formatter(Some(arab_number));
                    format::arab_text(source)
                }
            };
            // A file with errors keeps what parsed; `problems` names the errors.
            let resource = FluentResource::try_new(source).unwrap_or_else(|(r, _)| r);
            let _ = inner.add_resource(resource);
        }
        Self { inner, fallback }
    }

    /// A message without variables, formatted once for the life of the process.
    fn text(&self, id: &str) -> &'static str {
        Box::leak(self.format(id, []).into_boxed_str())
    }

    /// A message by its id, variables given by name, if this language or English has it.
    fn format_known(&self, id: &str, args: &[(&str, &str)]) -> Option<String> {
        if !self.inner.has_message(id) {
            return self.fallback?.format_known(id, args);
        }
        let pattern = self.inner.get_message(id)?.value()?;
        let mut values = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            values.set(*name, *value);
        }
        let mut errors = vec![];
        Some(
            self.inner
                .format_pattern(pattern, Some(&values), &mut errors)
                .into_owned(),
        )
    }

    fn format<const N: usize>(&self, id: &str, args: [(&str, FluentValue<'_>); N]) -> String {
        let Some(pattern) = self.inner.get_message(id).and_then(|m| m.value()) else {
            return match self.fallback {
                Some(english) => english.format(id, args),
                None => id.to_owned(),
            };
        };
        let mut values = FluentArgs::with_capacity(N);
        for (name, value) in args {
            values.set(name, value);
        }
        let mut errors = vec![];
        self.inner
            .format_pattern(pattern, (N > 0).then_some(&values), &mut errors)
            .into_owned()
    }
}

/// A number a message inserts, in Arabic-Indic digits.
fn arab_number<M>(value: &FluentValue, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) => Some(format::number(
            Locale::new(Language::Ar, Digits::Arab),
            &n.as_string(),
        )),
        _ => None,
    }
}

/// What is wrong with the message files: a file that does not parse, a message another
/// language lacks or adds, a translation that drops or invents a variable, a message twice.
/// Empty when every language is complete.
pub fn problems() -> Vec<String> {
    problems_in(&source)
}

fn problems_in(source: &dyn Fn(&str, &str) -> Option<&'static str>) -> Vec<String> {
    let mut found = vec![];
    let english: BTreeMap<&str, BTreeMap<String, BTreeSet<String>>> = GROUPS
        .iter()
        .map(|&g| (g, messages(source("en", g), "en", g, &mut found)))
        .collect();
    for &lang in Language::VARIANTS {
        let code: &str = lang.into();
        if code == "en" {
            continue;
        }
        for &group in GROUPS {
            let theirs = messages(source(code, group), code, group, &mut found);
            let ours = &english[group];
            for (id, vars) in ours {
                match theirs.get(id) {
                    None => found.push(format!("{code}/{group}.ftl: `{id}` is missing")),
                    Some(v) if v != vars => found.push(format!(
                        "{code}/{group}.ftl: `{id}` uses {v:?}, English uses {vars:?}"
                    )),
                    Some(_) => {}
                }
            }
            for id in theirs.keys().filter(|id| !ours.contains_key(id.as_str())) {
                found.push(format!(
                    "{code}/{group}.ftl: `{id}` is not an English message"
                ));
            }
        }
    }
    found
}

/// The messages of a file and the variables of each, its problems pushed onto `found`.
fn messages(
    source: Option<&str>,
    code: &str,
    group: &str,
    found: &mut Vec<String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let Some(source) = source else {
        found.push(format!("{code}/{group}.ftl is missing"));
        return out;
    };
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(r) => r,
        Err((r, errors)) => {
            for e in errors {
                found.push(format!("{code}/{group}.ftl: {e:?}"));
            }
            r
        }
    };
    for entry in &resource.body {
        match entry {
            Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                if let Some(value) = &m.value {
                    variables::variables(value, &mut vars);
                }
                if out.insert(m.id.name.to_owned(), vars).is_some() {
                    found.push(format!("{code}/{group}.ftl: `{}` twice", m.id.name));
                }
            }
            Entry::Junk { content } => {
                found.push(format!("{code}/{group}.ftl: cannot read {content:?}"));
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message_with_the_same_variables() {
        let found = problems();
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn a_missing_message_a_dropped_variable_and_an_invented_one_are_found() {
        let broken = |code: &str, group: &str| {
            match (code, group) {
            ("fr", "mail") => Some(
                "days-late = { $n ->\n    [one] un jour\n   *[other] { $days } jours\n}\nextra = x\n",
            ),
            _ => source(code, group),
        }
        };
        let found = problems_in(&broken).join("\n");
        assert!(
            found.contains("fr/mail.ftl: `digest` is missing"),
            "{found}"
        );
        assert!(found.contains("fr/mail.ftl: `days-late` uses"), "{found}");
        assert!(
            found.contains("`extra` is not an English message"),
            "{found}"
        );
        assert!(!found.contains("es/"), "{found}");
    }

    /// Every message without variables of a language, group by group.
    fn every_text(c: &Catalogue) -> Vec<(&'static str, &'static str)> {
        [
            c.actions.each(),
            c.formats.each(),
            c.framework.each(),
            c.mail.each(),
            c.pages.each(),
            c.public.each(),
            c.sheet.each(),
        ]
        .concat()
    }

    #[test]
    fn the_languages_of_other_scripts_keep_no_english_text() {
        let english = every_text(catalogue(Language::En));
        for lang in [Language::Ar, Language::Zh, Language::Ru] {
            let theirs = every_text(catalogue(lang));
            let untranslated: Vec<_> = english
                .iter()
                .zip(&theirs)
                .filter(|((_, en), (_, t))| {
                    en == t
                        && *en != "API"
                        && en.chars().filter(char::is_ascii_alphabetic).count() >= 3
                })
                .map(|((id, en), _)| format!("{id}: {en}"))
                .collect();
            assert!(untranslated.is_empty(), "{lang:?}: {untranslated:#?}");
        }
    }

    #[test]
    fn plurals_follow_each_languages_rules() {
        let count = |l, n: u32| catalogue(l).mail.summary_verified(n);
        let clean = |s: String| s.replace(['\u{2068}', '\u{2069}'], "");
        assert_eq!(clean(count(Language::En, 1)), "1 milestone verified");
        assert_eq!(clean(count(Language::En, 0)), "0 milestones verified");
        assert_eq!(
            clean(count(Language::Fr, 0)),
            clean(count(Language::Fr, 1)).replace('1', "0")
        );
        assert_ne!(
            count(Language::Ru, 2),
            count(Language::Ru, 5).replace('5', "2")
        );
    }

    #[test]
    fn placeables_keep_their_direction_and_a_missing_message_falls_back_to_english() {
        let fr = catalogue(Language::Fr);
        assert!(fr
            .mail
            .summary_rose("Kenya", "4,0")
            .contains("\u{2068}Kenya\u{2069}"));
        assert_eq!(
            BUNDLES[index(Language::Fr)]
                .get("mail")
                .format("no-such-message", []),
            "no-such-message"
        );
        assert_eq!(direction(Language::Ar), "rtl");
        assert_eq!(direction(Language::Zh), "ltr");
    }
}
