//! The read model written out whole, so that a starting process reads it back and folds only
//! the events after it instead of the whole log.
//!
//! A snapshot is derived data: one of another [`MODEL_FORMAT`], or one that does not read,
//! is ignored and the model is rebuilt from the log — never used half-way. The fields the API
//! does not show (a commitment's tally, a milestone's status before a block, an account's
//! password hash…) are written too: `for_api` keeps them out of every other serialization.

use std::cell::Cell;

use crate::Tracker;

/// The shape of a snapshot: the model's fields and what the fold puts in them. Change it
/// whenever a view gains, loses or renames a field, or an event is folded differently; older
/// snapshots are then ignored. `the_model_shape_is_pinned` fails when the shape changes without it.
pub const MODEL_FORMAT: &str = "5";

thread_local! {
    static WHOLE: Cell<bool> = const { Cell::new(false) };
}

/// `skip_serializing_if` of the fields only snapshots carry: true (skip) unless a snapshot is
/// being written on this thread.
pub(crate) fn for_api<T>(_: &T) -> bool {
    !WHOLE.with(Cell::get)
}

/// The model's snapshot text (JSON), to be [`compress`]ed. Written into one buffer: a copy of
/// the model would cost its thousands of small allocations, which the allocator keeps.
pub fn write(model: &Tracker) -> serde_json::Result<Vec<u8>> {
    struct Whole;
    impl Drop for Whole {
        fn drop(&mut self) {
            WHOLE.with(|w| w.set(false));
        }
    }
    WHOLE.with(|w| w.set(true));
    let _whole = Whole;
    serde_json::to_vec(model)
}

/// The snapshot's stored bytes (gzip) of its text.
pub fn compress(text: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(text.len() / 8),
        flate2::Compression::fast(),
    );
    std::io::Write::write_all(&mut gz, text)?;
    gz.finish()
}

/// The model a snapshot holds.
pub fn read(bytes: &[u8]) -> std::io::Result<Tracker> {
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut text)?;
    Ok(serde_json::from_slice(&text)?)
}
