//! What the OpenAPI document says each input field takes, built from the same rules that parse
//! it: the patterns and bounds of the domain's value types, the catalogue's codes, the ISO
//! list, and the list bounds below, which the routes enforce with [`list`]. Where the two could
//! drift, a test of the API compares them.

use safeguards_app::credentials::{PASSWORD_MAX, PASSWORD_MIN};
use safeguards_domain::engagement::{ActivityKind, EngagementStatus};
use safeguards_domain::subscriber::{Frequency, Language};
use safeguards_domain::values::{
    AuthorityCode, CountryCode, DpiSystemType, Email, EvidenceUrl, FieldError, PrincipleCode,
    ProcessRef, RiskCode, Role, StageCode, Text, Title,
};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr, Schema, SchemaFormat};

/// The most items each list field takes.
pub mod max {
    pub const COUNTRIES: usize = 250;
    pub const PRINCIPLES: usize = 18;
    pub const RISKS: usize = 13;
    pub const AUTHORITIES: usize = 5;
    pub const PROCESS_REFS: usize = 50;
    pub const DPI_SYSTEMS: usize = 5;
    pub const EVIDENCE: usize = 10;
}

/// Parse every item of a list of at most `max` items, naming the failing one as `field[i]`.
pub fn list<T, S: AsRef<str>>(
    field: &str,
    raw: &[S],
    max: usize,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> Result<Vec<T>, FieldError> {
    if raw.len() > max {
        return Err(FieldError::new(
            field,
            safeguards_domain::reason!("too-many-items", "takes at most {max} items", max = max),
        ));
    }
    safeguards_domain::values::parse_each(field, raw, parse)
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn text(pattern: &str, max: usize) -> ObjectBuilder {
    string()
        .pattern(Some(pattern))
        .min_length(Some(1))
        .max_length(Some(max))
}

fn one_of<I: IntoIterator<Item = &'static str>>(values: I) -> ObjectBuilder {
    string().enum_values(Some(values))
}

fn words<T: strum::VariantArray + Copy + Into<&'static str>>() -> ObjectBuilder {
    one_of(T::VARIANTS.iter().map(|v| (*v).into()))
}

/// `schema`, or null (an optional field that may be sent as `null`).
fn nullable(schema: impl Into<RefOr<Schema>>) -> RefOr<Schema> {
    RefOr::T(Schema::OneOf(
        OneOfBuilder::new()
            .item(schema)
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .build(),
    ))
}

fn array(items: ObjectBuilder, min: usize, max: usize) -> ArrayBuilder {
    ArrayBuilder::new()
        .items(items.build())
        .min_items(Some(min))
        .max_items(Some(max))
}

fn nullable_array(items: ObjectBuilder, min: usize, max: usize) -> RefOr<Schema> {
    array(items, min, max)
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .build()
        .into()
}

pub fn title() -> RefOr<Schema> {
    text(Title::PATTERN, Title::MAX).build().into()
}
pub fn optional_title() -> RefOr<Schema> {
    string()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .pattern(Some(Title::OPTIONAL_PATTERN))
        .max_length(Some(Title::MAX))
        .build()
        .into()
}
pub fn text_field() -> RefOr<Schema> {
    text(Text::PATTERN, Text::MAX).build().into()
}
pub fn optional_text() -> RefOr<Schema> {
    string()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .pattern(Some(Text::OPTIONAL_PATTERN))
        .max_length(Some(Text::MAX))
        .build()
        .into()
}
pub fn email() -> RefOr<Schema> {
    text(Email::PATTERN, Email::MAX).build().into()
}
pub fn password() -> RefOr<Schema> {
    string()
        .min_length(Some(PASSWORD_MIN))
        .max_length(Some(PASSWORD_MAX))
        .build()
        .into()
}
pub fn optional_password() -> RefOr<Schema> {
    string()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .min_length(Some(PASSWORD_MIN))
        .max_length(Some(PASSWORD_MAX))
        .build()
        .into()
}
pub fn date() -> RefOr<Schema> {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .build()
        .into()
}
pub fn optional_date() -> RefOr<Schema> {
    nullable(
        string()
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .build(),
    )
}
pub fn evidence_url() -> RefOr<Schema> {
    text(EvidenceUrl::PATTERN, EvidenceUrl::MAX).build().into()
}
pub fn percent() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .maximum(Some(100))
        .build()
        .into()
}
pub fn country() -> RefOr<Schema> {
    one_of(CountryCode::codes()).build().into()
}
pub fn countries() -> RefOr<Schema> {
    array(one_of(CountryCode::codes()), 0, max::COUNTRIES)
        .build()
        .into()
}
pub fn optional_countries() -> RefOr<Schema> {
    nullable_array(one_of(CountryCode::codes()), 0, max::COUNTRIES)
}
pub fn principles() -> RefOr<Schema> {
    array(one_of(PrincipleCode::codes()), 1, max::PRINCIPLES)
        .build()
        .into()
}
pub fn optional_principles() -> RefOr<Schema> {
    nullable_array(one_of(PrincipleCode::codes()), 1, max::PRINCIPLES)
}
pub fn risks() -> RefOr<Schema> {
    array(one_of(RiskCode::codes()), 0, max::RISKS)
        .build()
        .into()
}
pub fn optional_risks() -> RefOr<Schema> {
    nullable_array(one_of(RiskCode::codes()), 0, max::RISKS)
}
pub fn authority() -> RefOr<Schema> {
    one_of(AuthorityCode::codes()).build().into()
}
pub fn optional_authority() -> RefOr<Schema> {
    nullable(one_of(AuthorityCode::codes()).build())
}
pub fn authorities() -> RefOr<Schema> {
    array(one_of(AuthorityCode::codes()), 0, max::AUTHORITIES)
        .build()
        .into()
}
pub fn stage() -> RefOr<Schema> {
    one_of(StageCode::codes()).build().into()
}
pub fn optional_stage() -> RefOr<Schema> {
    nullable(one_of(StageCode::codes()).build())
}
pub fn dpi_system() -> RefOr<Schema> {
    one_of(DpiSystemType::codes()).build().into()
}
pub fn optional_dpi_system() -> RefOr<Schema> {
    nullable(one_of(DpiSystemType::codes()).build())
}
pub fn process_refs() -> RefOr<Schema> {
    array(text(ProcessRef::PATTERN, 8), 0, max::PROCESS_REFS)
        .build()
        .into()
}
pub fn optional_process_refs() -> RefOr<Schema> {
    nullable_array(text(ProcessRef::PATTERN, 8), 0, max::PROCESS_REFS)
}
pub fn role() -> RefOr<Schema> {
    words::<Role>().build().into()
}
pub fn activity_kind() -> RefOr<Schema> {
    words::<ActivityKind>().build().into()
}
pub fn engagement_status() -> RefOr<Schema> {
    words::<EngagementStatus>().build().into()
}
pub fn optional_language() -> RefOr<Schema> {
    nullable(words::<Language>().build())
}
pub fn optional_frequency() -> RefOr<Schema> {
    nullable(words::<Frequency>().build())
}
/// Principles followed: none means all.
pub fn followed_principles() -> RefOr<Schema> {
    array(one_of(PrincipleCode::codes()), 0, max::PRINCIPLES)
        .build()
        .into()
}
pub fn uuid() -> RefOr<Schema> {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
        .build()
        .into()
}

/// A comma-separated list of ISO codes, possibly empty (`KEN,BRA`).
pub fn country_list() -> RefOr<Schema> {
    let one = format!("({})", CountryCode::codes().join("|"));
    string()
        .pattern(Some(format!("^({one}(,{one})*)?$")))
        .build()
        .into()
}

/// Types whose schema is one of the functions above, for parameters (`inline(schema::Country)`).
macro_rules! marker {
    ($(#[$meta:meta])* $name:ident, $schema:path) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub struct $name;
        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $schema()
            }
        }
        impl utoipa::ToSchema for $name {}
    };
}

marker!(
    /// An ISO 3166-1 alpha-3 code.
    Country,
    country
);
marker!(
    /// A DPI system type.
    DpiSystem,
    dpi_system
);
marker!(
    /// A responsible authority's code.
    Authority,
    authority
);
marker!(
    /// A life-cycle stage's code.
    Stage,
    stage
);
marker!(
    /// A date, `YYYY-MM-DD`.
    Date,
    date
);
