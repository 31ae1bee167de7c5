//! Generates one typed accessor per message of `locales/en/*.ftl`: a `&'static str` field for a
//! message without variables, a method taking each variable for one with them. A page that names
//! a message English does not have fails to compile; `tests` checks the other languages.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use fluent_syntax::ast::Entry;

#[path = "src/variables.rs"]
mod variables;
use variables::variables;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    println!("cargo::rerun-if-changed=locales");
    let mut languages: Vec<String> = std::fs::read_dir(&root)
        .expect("locales/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    languages.sort();
    let mut groups: Vec<String> = std::fs::read_dir(root.join("en"))
        .expect("locales/en/")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".ftl").map(str::to_owned)
        })
        .collect();
    groups.sort();

    let mut out = String::new();
    // The files, compiled in.
    out.push_str("/// The Fluent source of `group` in `language`, if there is one.\n");
    out.push_str("pub fn source(language: &str, group: &str) -> Option<&'static str> {\n");
    out.push_str("    match (language, group) {\n");
    for l in &languages {
        for g in &groups {
            let file = root.join(l).join(format!("{g}.ftl"));
            if file.exists() {
                writeln!(
                    out,
                    "        ({l:?}, {g:?}) => Some(include_str!({:?})),",
                    file.display().to_string()
                )
                .unwrap();
            }
        }
    }
    out.push_str("        _ => None,\n    }\n}\n\n");
    writeln!(
        out,
        "/// The message files, by name.\npub const GROUPS: &[&str] = &{groups:?};\n"
    )
    .unwrap();

    for g in &groups {
        let file = root.join("en").join(format!("{g}.ftl"));
        let text = std::fs::read_to_string(&file).expect("read");
        let resource = fluent_syntax::parser::parse(text.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", file.display()));
        let ty = type_name(g);
        let mut fields = String::new();
        let mut loads = String::new();
        let mut methods = String::new();
        let mut by_id = String::new();
        let mut each = String::new();
        for entry in &resource.body {
            let Entry::Message(m) = entry else { continue };
            let Some(value) = &m.value else { continue };
            let id = m.id.name;
            let name = id.replace('-', "_").to_lowercase();
            let mut vars = BTreeSet::new();
            variables(value, &mut vars);
            let doc = source_line(&text, id);
            if vars.is_empty() {
                writeln!(
                    fields,
                    "    /// `{id}`: {doc}\n    pub {name}: &'static str,"
                )
                .unwrap();
                writeln!(loads, "            {name}: bundle.text({id:?}),").unwrap();
                writeln!(by_id, "            {id:?} => Some(self.{name}),").unwrap();
                writeln!(each, "            ({id:?}, self.{name}),").unwrap();
            } else {
                let params: Vec<String> = vars
                    .iter()
                    .map(|v| format!("{}: impl Into<FluentValue<'a>>", v.replace('-', "_")))
                    .collect();
                let args: Vec<String> = vars
                    .iter()
                    .map(|v| format!("({v:?}, {}.into())", v.replace('-', "_")))
                    .collect();
                writeln!(
                    methods,
                    "    /// `{id}`: {doc}\n    pub fn {name}<'a>(&self, {}) -> String {{\n        self.bundle.format({id:?}, [{}])\n    }}",
                    params.join(", "),
                    args.join(", ")
                )
                .unwrap();
            }
        }
        // The bundle is kept only where a message has variables to format at each use.
        let (bundle_field, bundle_init) = if methods.is_empty() {
            ("", "")
        } else {
            methods.push_str(
                "    /// A message with variables by its id (for lines chosen by a code), its variables\n    \
                 /// given by name; `None` for an id no language has.\n    \
                 pub fn format_by_id(&self, id: &str, args: &[(&str, &str)]) -> Option<String> {\n        \
                 self.bundle.format_known(id, args)\n    }\n",
            );
            ("    bundle: &'static Bundle,\n", "            bundle,\n")
        };
        writeln!(
            out,
            "/// The messages of `locales/<language>/{g}.ftl`.\n#[derive(Debug)]\npub struct {ty} {{\n{bundle_field}{fields}}}\n\n\
             impl {ty} {{\n    fn load(bundle: &'static Bundle) -> Self {{\n        Self {{\n{bundle_init}{loads}        }}\n    }}\n\n\
             /// A message without variables by its id, for words chosen by a code.\n    pub fn by_id(&self, id: &str) -> Option<&'static str> {{\n        match id {{\n{by_id}            _ => None,\n        }}\n    }}\n\n\
             /// Every message without variables: its id and its text.\n    pub fn each(&self) -> Vec<(&'static str, &'static str)> {{\n        vec![\n{each}        ]\n    }}\n\n{methods}}}\n"
        )
        .unwrap();
    }
    // The catalogue of one language: every group.
    out.push_str("/// Every message of one language.\n#[derive(Debug)]\npub struct Catalogue {\n");
    for g in &groups {
        writeln!(out, "    pub {g}: {},", type_name(g)).unwrap();
    }
    out.push_str(
        "}\n\nimpl Catalogue {\n    fn load(bundles: &'static Bundles) -> Self {\n        Self {\n",
    );
    for g in &groups {
        writeln!(
            out,
            "            {g}: {}::load(bundles.get({g:?})),",
            type_name(g)
        )
        .unwrap();
    }
    out.push_str("        }\n    }\n}\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("messages.rs");
    std::fs::write(dest, out).expect("write messages.rs");
}

fn type_name(group: &str) -> String {
    let mut c = group.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The English text of message `id`, on one line, for the accessor's documentation.
fn source_line(text: &str, id: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(id)?.trim_start().strip_prefix('='))
        .unwrap_or("")
        .trim()
        .replace(['{', '}'], "")
        .chars()
        .take(100)
        .collect()
}
