//! How values show themselves beyond `Display`: rich output in evcxr notebooks (the one place
//! that prints evcxr's content markers), and byte counts for people.
//!
//! evcxr shows a cell's value with the value's inherent `evcxr_display(&self)` method, which
//! prints a block `EVCXR_BEGIN_CONTENT <mime>` … `EVCXR_END_CONTENT` on stdout; Jupyter then
//! renders it as that MIME type (an HTML table, an SVG picture).

/// Prints `body` as one rich output of type `mime` (`"text/html"`, `"image/svg+xml"`).
pub(crate) fn evcxr(mime: &str, body: &str) {
    println!("EVCXR_BEGIN_CONTENT {mime}\n{body}\nEVCXR_END_CONTENT");
}

/// `bytes` for people: `"23.6 GiB"`, `"512 B"`.
///
/// # Examples
///
/// ```
/// assert_eq!(parlab::limits::human_bytes(3 << 30), "3.0 GiB");
/// assert_eq!(parlab::limits::human_bytes(512), "512 B");
/// ```
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
