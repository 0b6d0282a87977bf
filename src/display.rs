//! Rich output in evcxr notebooks: the one place that prints evcxr's content markers.
//!
//! evcxr shows a cell's value with the value's inherent `evcxr_display(&self)` method, which
//! prints a block `EVCXR_BEGIN_CONTENT <mime>` … `EVCXR_END_CONTENT` on stdout; Jupyter then
//! renders it as that MIME type (an HTML table, an SVG picture).

/// Prints `body` as one rich output of type `mime` (`"text/html"`, `"image/svg+xml"`).
pub(crate) fn evcxr(mime: &str, body: &str) {
    println!("EVCXR_BEGIN_CONTENT {mime}\n{body}\nEVCXR_END_CONTENT");
}
