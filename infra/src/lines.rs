//! The lines of a file read from outside (an export to verify or import), each at most a
//! stated length: a line longer than that is an error naming it, found after reading at most
//! that many bytes of it, so that a file without line breaks costs no more memory than one
//! long line.

use std::io::BufRead;

/// The longest line of an export taken: far more than an event (whose fields are bounded by
/// the domain) or a checkpoint ever needs.
pub const MAX_LINE: usize = 1024 * 1024;

/// Why a line cannot be taken.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("line {line} is longer than {max} bytes")]
    TooLong { line: u64, max: usize },
    #[error("line {line} is not UTF-8 text")]
    NotText { line: u64 },
    #[error("line {line} cannot be read: {source}")]
    Read {
        line: u64,
        #[source]
        source: std::io::Error,
    },
}

/// The lines of `input` (without their `\n` or `\r\n`), numbered from 1, each at most `max`
/// bytes; iteration ends after the first error.
pub fn bounded(
    input: impl BufRead,
    max: usize,
) -> impl Iterator<Item = Result<(u64, String), LineError>> {
    let mut input = input;
    let mut number = 0u64;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        number += 1;
        let mut line = Vec::new();
        // One byte past the bound tells a line of exactly `max` bytes from a longer one.
        let read = std::io::Read::take(input.by_ref(), max as u64 + 2).read_until(b'\n', &mut line);
        let result = match read {
            Ok(0) => return None,
            Ok(_) => {
                if line.last() == Some(&b'\n') {
                    line.pop();
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                }
                if line.len() > max {
                    Err(LineError::TooLong { line: number, max })
                } else {
                    String::from_utf8(line).map_err(|_| LineError::NotText { line: number })
                }
            }
            Err(source) => Err(LineError::Read {
                line: number,
                source,
            }),
        };
        failed = result.is_err();
        Some(result.map(|text| (number, text)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &[u8], max: usize) -> Vec<Result<(u64, String), String>> {
        bounded(text, max)
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn lines_come_numbered_without_their_breaks_and_a_long_one_ends_the_reading() {
        assert_eq!(
            all(b"a\r\nbb\n\nccc", 3),
            vec![
                Ok((1, "a".into())),
                Ok((2, "bb".into())),
                Ok((3, String::new())),
                Ok((4, "ccc".into()))
            ]
        );
        assert_eq!(
            all(b"abc\nabcd\nx\n", 3),
            vec![
                Ok((1, "abc".into())),
                Err("line 2 is longer than 3 bytes".into())
            ]
        );
        assert_eq!(
            all(b"ok\n\xff\n", 3),
            vec![Ok((1, "ok".into())), Err("line 2 is not UTF-8 text".into())]
        );
        // A file without a line break is read no further than the bound.
        let endless = std::io::repeat(b'x');
        let first = bounded(std::io::BufReader::new(endless), 1000)
            .next()
            .unwrap();
        assert!(matches!(first, Err(LineError::TooLong { line: 1, .. })));
    }
}
