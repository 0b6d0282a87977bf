//! How values show themselves beyond `Display`: rich output in evcxr notebooks (the one place
//! that prints evcxr's content markers), byte counts for people, HTML text, and the names of
//! parlab's named enums.
//!
//! evcxr shows a cell's value with the value's inherent `evcxr_display(&self)` method, which
//! prints a block `EVCXR_BEGIN_CONTENT <mime>` … `EVCXR_END_CONTENT` on stdout; Jupyter then
//! renders it as that MIME type (an HTML table, an SVG picture). [`evcxr`] is the one place that
//! prints those markers, and [`html_escape`] the one escaper of text put into HTML.
//!
//! [`named_enum!`] writes the name, `ALL`, `FromStr` and `Display` of an enum whose variants
//! have names (backends, methods, flavors).

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

/// `text` with HTML's special characters (`&`, `<`, `>` and `"`) escaped, fit for an element's
/// text or a double-quoted attribute.
pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Declares an enum whose variants have names, with what every such enum has: `ALL` (every
/// variant, in the order declared), `name(self)`, `FromStr` (by name; an unknown name is an
/// `InvalidInput` error of the type given, `what` being the string given, that lists the valid
/// names) and `Display` (the name).
///
/// The docs of `ALL`, `name` and the `FromStr` impl are written after the enum:
///
/// ```ignore
/// named_enum! {
///     /// The enum's docs and attributes.
///     #[derive(Clone, Copy, Debug, PartialEq, Eq)]
///     pub enum Method {
///         /// A variant's docs.
///         Trial => "trial",
///         MillerRabin => "miller-rabin",
///     }
///     /// Docs of `Method::ALL`.
///     const ALL;
///     /// Docs of `Method::name`.
///     fn name;
///     /// Docs of the `FromStr` impl.
///     impl FromStr<Err = Error> for "method";
/// }
/// ```
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Enum:ident {
            $( $(#[$variant_meta:meta])* $Variant:ident => $name:literal, )+
        }
        $(#[$all_meta:meta])*
        const ALL;
        $(#[$name_meta:meta])*
        fn name;
        $(#[$parse_meta:meta])*
        impl FromStr<Err = $Err:ident> for $what:literal;
    ) => {
        $(#[$meta])*
        $vis enum $Enum {
            $( $(#[$variant_meta])* $Variant, )+
        }

        impl $Enum {
            $(#[$all_meta])*
            pub const ALL: [$Enum; [$($name),+].len()] = [$($Enum::$Variant),+];

            $(#[$name_meta])*
            pub fn name(self) -> &'static str {
                match self {
                    $($Enum::$Variant => $name,)+
                }
            }
        }

        $(#[$parse_meta])*
        impl ::std::str::FromStr for $Enum {
            type Err = $Err;

            fn from_str(text: &str) -> ::std::result::Result<Self, $Err> {
                $Enum::ALL
                    .into_iter()
                    .find(|v| v.name() == text)
                    .ok_or_else(|| $Err::InvalidInput {
                        what: $what,
                        why: format!("{text:?} is not one of: {}", [$($name),+].join(", ")),
                    })
            }
        }

        impl ::std::fmt::Display for $Enum {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

pub(crate) use named_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escape_escapes_the_four_special_characters_and_keeps_the_rest() {
        assert_eq!(
            html_escape(r#"<a href="x?a=1&b=2">Ünïcode ' </a>"#),
            "&lt;a href=&quot;x?a=1&amp;b=2&quot;&gt;Ünïcode ' &lt;/a&gt;"
        );
        assert_eq!(html_escape(""), "");
        assert_eq!(html_escape("&amp;"), "&amp;amp;");
    }

    #[derive(Debug)]
    enum TestError {
        InvalidInput { what: &'static str, why: String },
    }

    named_enum! {
        /// A test enum.
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum Colour {
            /// Red.
            Red => "red",
            DarkBlue => "dark-blue",
        }
        /// Both colours.
        const ALL;
        /// The name.
        fn name;
        /// Parses a name.
        impl FromStr<Err = TestError> for "colour";
    }

    #[test]
    fn named_enums_list_parse_and_show_their_names() {
        assert_eq!(Colour::ALL, [Colour::Red, Colour::DarkBlue]);
        assert_eq!(Colour::DarkBlue.name(), "dark-blue");
        assert_eq!(Colour::DarkBlue.to_string(), "dark-blue");
        assert_eq!("red".parse::<Colour>().ok(), Some(Colour::Red));
        let TestError::InvalidInput { what, why } = "Red".parse::<Colour>().unwrap_err();
        assert_eq!(what, "colour");
        assert_eq!(why, r#""Red" is not one of: red, dark-blue"#);
    }
}
