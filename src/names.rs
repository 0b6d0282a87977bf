//! Reading parlab's named enums (backends, methods, flavors) back from their names.

use crate::{Error, Result};

/// The item of `all` whose `name` is `text`, else [`Error::InvalidInput`] listing the names: the
/// one `FromStr` of parlab's named enums (backends, methods, flavors).
pub(crate) fn parse_name<T: Copy>(
    what: &'static str,
    text: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T> {
    all.iter()
        .copied()
        .find(|&t| name(t) == text)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|&t| name(t)).collect();
            Error::invalid(
                what,
                format!("{text:?} is not one of: {}", names.join(", ")),
            )
        })
}
