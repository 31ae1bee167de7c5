//! Why a value or a command is refused, in words every channel can give in its own way: a
//! stable code, which names the message of each language's `errors.ftl`
//! (services/texts/locales), the values that message inserts, and the English sentence the
//! API's `detail` and the log carry. A page never shows the English sentence when its
//! language has the code's message.
//!
//! Written with [`reason!`](crate::reason!): the code, the English sentence, and the
//! values by name, which the sentence may use as `format!` does:
//!
//! ```
//! use safeguards_domain::reason;
//! let r = reason!("too-long", "must be at most {max} characters", max = 200);
//! assert_eq!((r.code, r.to_string()), ("too-long", "must be at most 200 characters".into()));
//! assert_eq!(r.args, [("max", "200".to_string())]);
//! ```

use std::fmt;

/// A refusal's code, inserted values and English sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The message's id in `errors.ftl`: `too-long`, `milestone-step-not-allowed`.
    pub code: &'static str,
    /// The values the message inserts, by name. A code of the framework's vocabulary or a
    /// status is given as its code (`in_progress`, `L2`); each channel names it in its words.
    pub args: Vec<(&'static str, String)>,
    /// The sentence in English.
    pub english: String,
}

impl Reason {
    /// The value inserted as `name`, if any.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A reason is read as its English sentence where no language is known (the API's
/// `detail`, the log, a test's `contains`).
impl std::ops::Deref for Reason {
    type Target = str;
    fn deref(&self) -> &str {
        &self.english
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english)
    }
}

impl From<Reason> for String {
    fn from(r: Reason) -> String {
        r.english
    }
}

/// A [`Reason`]: `reason!("code", "English sentence with {name}", name = value, …)`.
#[macro_export]
macro_rules! reason {
    ($code:literal, $english:literal $(, $name:ident = $value:expr)* $(,)?) => {{
        $(let $name = $value;)*
        $crate::reason::Reason {
            code: $code,
            args: vec![$((stringify!($name), $name.to_string())),*],
            english: format!($english),
        }
    }};
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reason_keeps_its_code_its_values_and_its_english_sentence() {
        let r = reason!(
            "milestone-step-not-allowed",
            "a milestone that is {status} cannot be {step}",
            status = "in_progress",
            step = "verified"
        );
        assert_eq!(r.code, "milestone-step-not-allowed");
        assert_eq!(r.arg("status"), Some("in_progress"));
        assert_eq!(r.arg("step"), Some("verified"));
        assert_eq!(&*r, "a milestone that is in_progress cannot be verified");
        assert!(r.contains("cannot be"));
    }
}
