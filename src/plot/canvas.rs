//! [`Canvas`]: the one drawing backend every [`Chart`](super::Chart) draws on, an SVG document
//! or (cargo feature `png`) a PNG file, so that each chart's drawing code is compiled once, in
//! parlab, and `Chart` is object-safe.

use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// A plotters drawing backend that is an [`SVGBackend`] or, with the cargo feature `png`, a
/// `BitMapBackend` writing a PNG file; every drawing call is passed on unchanged, so a chart
/// draws on a `Canvas` exactly as on the backend inside it.
///
/// [`svg`](super::svg) and [`save`](super::save) make the canvas; a [`Chart`](super::Chart)
/// only draws on the [`DrawingArea`] it is given, with plotters' usual calls
/// (`ChartBuilder::on(area)`, `area.fill(..)`, `area.draw(..)`).
///
/// # Examples
///
/// ```
/// use parlab::plot::Canvas;
/// use plotters::prelude::*;
///
/// let mut text = String::new();
/// {
///     let area = Canvas::svg(&mut text, (200, 100)).into_drawing_area();
///     area.fill(&WHITE)?;
///     area.draw(&Circle::new((100, 50), 20, RED.filled()))?;
///     area.present()?;
/// }
/// assert!(text.starts_with("<svg") && text.contains("<circle"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Canvas<'a>(Inner<'a>);

enum Inner<'a> {
    Svg(SVGBackend<'a>),
    #[cfg(feature = "png")]
    Png(BitMapBackend<'a>),
}

impl<'a> Canvas<'a> {
    /// A canvas of `size` pixels `(width, height)` that writes an SVG document into `text`
    /// (when presented or dropped).
    pub fn svg(text: &'a mut String, size: (u32, u32)) -> Self {
        Canvas(Inner::Svg(SVGBackend::with_string(text, size)))
    }

    /// A canvas of `size` pixels that writes a PNG file to `path` (when presented or dropped).
    /// Needs the cargo feature `png` (on with `cli`).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "png")] {
    /// use parlab::plot::Canvas;
    /// use plotters::prelude::*;
    ///
    /// let path = std::env::temp_dir().join("parlab-doc-canvas.png");
    /// let area = Canvas::png(&path, (200, 100)).into_drawing_area();
    /// area.fill(&WHITE)?;
    /// area.present()?;
    /// assert!(std::fs::metadata(&path)?.len() > 100);
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "png")]
    pub fn png<P: AsRef<std::path::Path> + ?Sized>(path: &'a P, size: (u32, u32)) -> Self {
        Canvas(Inner::Png(BitMapBackend::new(path, size)))
    }
}

/// What went wrong in the backend inside a [`Canvas`]; the backend's own error is kept as is.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CanvasError {
    /// The SVG backend failed.
    #[error(transparent)]
    Svg(std::io::Error),
    /// The PNG backend failed (writing or encoding the file).
    #[cfg(feature = "png")]
    #[error(transparent)]
    Png(<BitMapBackend<'static> as DrawingBackend>::ErrorType),
}

/// `e` with the backend's error wrapped by `wrap`.
fn lift<E: std::error::Error + Send + Sync>(
    e: DrawingErrorKind<E>,
    wrap: fn(E) -> CanvasError,
) -> DrawingErrorKind<CanvasError> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(wrap(e)),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

type Drawn<T = ()> = Result<T, DrawingErrorKind<CanvasError>>;

/// Calls `$call` on the backend inside `$canvas` (bound to `b`), lifting its error.
macro_rules! forward {
    ($canvas:expr, $b:ident => $call:expr) => {
        match $canvas {
            Inner::Svg($b) => $call.map_err(|e| lift(e, CanvasError::Svg)),
            #[cfg(feature = "png")]
            Inner::Png($b) => $call.map_err(|e| lift(e, CanvasError::Png)),
        }
    };
}

impl DrawingBackend for Canvas<'_> {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        match &self.0 {
            Inner::Svg(b) => b.get_size(),
            #[cfg(feature = "png")]
            Inner::Png(b) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Drawn {
        forward!(&mut self.0, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Drawn {
        forward!(&mut self.0, b => b.present())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        forward!(&mut self.0, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Drawn {
        forward!(&mut self.0, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        forward!(&mut self.0, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn {
        forward!(&mut self.0, b => b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Drawn {
        forward!(&mut self.0, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn {
        forward!(&mut self.0, b => b.fill_polygon(vert, style))
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Drawn {
        forward!(&mut self.0, b => b.draw_text(text, style, pos))
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Drawn<(u32, u32)> {
        forward!(&self.0, b => b.estimate_text_size(text, style))
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn {
        forward!(&mut self.0, b => b.blit_bitmap(pos, size, src))
    }
}
