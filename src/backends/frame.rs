//! The one frame codec of parlab's pipes and sockets: forked workers' results
//! ([`fork`](super::fork)) and the cluster's messages to and from its engines.
//!
//! A frame is a little-endian `u32` byte count, then that many bytes of
//! [postcard](https://docs.rs/postcard) (a compact serde format). No frame is over
//! [`MAX_FRAME`]: a writer refuses a larger value, and a reader refuses a larger count before
//! allocating for it, so a corrupt count fails cleanly instead of allocating wildly.

use std::io::{self, Read, Write};

use serde::{de::DeserializeOwned, Serialize};

/// Largest frame body written or read: 1 GiB.
pub(crate) const MAX_FRAME: usize = 1 << 30;

/// What went wrong writing or reading a frame.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FrameError {
    /// A frame's body is over [`MAX_FRAME`].
    #[error(
        "a frame of {len} bytes is over the {max}-byte limit; send the data in smaller pieces \
         (more, smaller tasks or chunks)"
    )]
    TooLarge {
        /// The body's length.
        len: usize,
        /// [`MAX_FRAME`].
        max: usize,
    },
    /// The stream ended inside a frame: the other side died or closed it mid-message.
    #[error("the stream ended {got} bytes into a frame of {len} bytes")]
    Truncated {
        /// Bytes the frame should have had (its count's 4 bytes while the count itself is cut).
        len: usize,
        /// Bytes that came.
        got: usize,
    },
    /// A value could not be encoded, or a body could not be decoded, with postcard.
    #[error(transparent)]
    Postcard(#[from] postcard::Error),
    /// The stream failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl From<FrameError> for io::Error {
    /// The error as an [`io::Error`] of the matching kind (`UnexpectedEof` for a truncated
    /// frame, `InvalidData` for one too large or undecodable), for code that speaks `io`.
    fn from(e: FrameError) -> Self {
        match e {
            FrameError::Io(e) => e,
            FrameError::Truncated { .. } => io::Error::new(io::ErrorKind::UnexpectedEof, e),
            FrameError::TooLarge { .. } | FrameError::Postcard(_) => {
                io::Error::new(io::ErrorKind::InvalidData, e)
            }
        }
    }
}

/// Encodes `value` with postcard.
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, FrameError> {
    Ok(postcard::to_stdvec(value)?)
}

/// Decodes a postcard value (a frame's body, or bytes inside one).
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FrameError> {
    Ok(postcard::from_bytes(bytes)?)
}

/// Writes one frame holding `value`, count and body in one `write_all` (the caller flushes).
pub(crate) fn write_frame<T: Serialize + ?Sized>(
    out: &mut impl Write,
    value: &T,
) -> Result<(), FrameError> {
    write_bounded(out, value, MAX_FRAME)
}

/// [`write_frame`] with bound `max`.
fn write_bounded<T: Serialize + ?Sized>(
    out: &mut impl Write,
    value: &T,
    max: usize,
) -> Result<(), FrameError> {
    // Encode after 4 placeholder bytes, so that the frame goes out in one piece.
    let mut frame = postcard::to_extend(value, vec![0u8; 4])?;
    let len = frame.len() - 4;
    if len > max {
        return Err(FrameError::TooLarge { len, max });
    }
    frame[..4].copy_from_slice(&(len as u32).to_le_bytes());
    Ok(out.write_all(&frame)?)
}

/// Reads one frame's body; `Ok(None)` at a clean end of stream (before a frame's first byte).
pub(crate) fn read_frame_bytes(input: &mut impl Read) -> Result<Option<Vec<u8>>, FrameError> {
    let mut count = [0u8; 4];
    let got = read_full(input, &mut count)?;
    match got {
        0 => return Ok(None),
        4 => {}
        _ => return Err(FrameError::Truncated { len: 4, got }),
    }
    let len = u32::from_le_bytes(count) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge {
            len,
            max: MAX_FRAME,
        });
    }
    // Grows as bytes come (up to `len`), so a count larger than what arrives allocates little.
    let mut body = Vec::with_capacity(len.min(1 << 20));
    input.take(len as u64).read_to_end(&mut body)?;
    if body.len() < len {
        return Err(FrameError::Truncated {
            len: 4 + len,
            got: 4 + body.len(),
        });
    }
    Ok(Some(body))
}

/// Reads one frame and decodes it; `Ok(None)` at a clean end of stream.
pub(crate) fn read_frame<T: DeserializeOwned>(
    input: &mut impl Read,
) -> Result<Option<T>, FrameError> {
    read_frame_bytes(input)?.map(|b| decode(&b)).transpose()
}

/// Fills `buf` as far as the stream goes; the number of bytes read (short only at its end).
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_of(value: &(u32, String)) -> Vec<u8> {
        let mut buf = Vec::new();
        write_frame(&mut buf, value).unwrap_or_else(|e| panic!("{e}"));
        buf
    }

    #[test]
    fn frames_round_trip_back_to_back_and_a_clean_end_is_none() {
        let (a, b) = ((7u32, "seven".to_string()), (8u32, String::new()));
        let mut buf = frame_of(&a);
        // The wire: a little-endian count, then the postcard body.
        let body = encode(&a).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(buf[..4], (body.len() as u32).to_le_bytes());
        assert_eq!(buf[4..], body[..]);
        buf.extend(frame_of(&b));
        let mut r = &buf[..];
        assert_eq!(read_frame::<(u32, String)>(&mut r).ok().flatten(), Some(a));
        assert_eq!(read_frame::<(u32, String)>(&mut r).ok().flatten(), Some(b));
        assert!(matches!(read_frame::<(u32, String)>(&mut r), Ok(None)));
    }

    #[test]
    fn a_frame_cut_short_is_truncated_in_its_count_or_its_body() {
        let whole = frame_of(&(1, "truncated".into()));
        for cut in 1..whole.len() {
            let err = read_frame_bytes(&mut &whole[..cut]).unwrap_err();
            let expected = if cut < 4 { 4 } else { whole.len() };
            assert!(
                matches!(err, FrameError::Truncated { len, got } if len == expected && got == cut),
                "cut at {cut}: {err:?}"
            );
            assert_eq!(io::Error::from(err).kind(), io::ErrorKind::UnexpectedEof);
        }
    }

    #[test]
    fn a_count_over_the_bound_is_refused_before_reading_the_body() {
        let mut buf = ((MAX_FRAME + 1) as u32).to_le_bytes().to_vec();
        buf.extend([0; 16]);
        let err = read_frame_bytes(&mut &buf[..]).unwrap_err();
        assert!(
            matches!(err, FrameError::TooLarge { len, max: MAX_FRAME } if len == MAX_FRAME + 1),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("over the 1073741824-byte limit"),
            "{err}"
        );
        assert_eq!(io::Error::from(err).kind(), io::ErrorKind::InvalidData);
        // The largest count allowed is read as a body (here cut short).
        let mut buf = (MAX_FRAME as u32).to_le_bytes().to_vec();
        buf.extend([0; 16]);
        let err = read_frame_bytes(&mut &buf[..]).unwrap_err();
        assert!(
            matches!(err, FrameError::Truncated { got: 20, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn a_value_over_the_bound_is_refused_by_the_writer() {
        let big = vec![0u8; 1000];
        let mut out = Vec::new();
        let err = write_bounded(&mut out, &big[..], 1000).unwrap_err();
        // postcard adds the slice's length as a varint: the body is a few bytes over the bound.
        assert!(
            matches!(
                err,
                FrameError::TooLarge {
                    len: 1002,
                    max: 1000
                }
            ),
            "{err:?}"
        );
        assert!(out.is_empty());
        write_bounded(&mut out, &big[..998], 1000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.len(), 4 + 1000);
    }

    #[test]
    fn a_body_that_is_not_the_type_read_is_a_postcard_error() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &()).unwrap_or_else(|e| panic!("{e}"));
        let err = read_frame::<u64>(&mut &buf[..]).unwrap_err();
        assert!(matches!(err, FrameError::Postcard(_)), "{err:?}");
    }
}
