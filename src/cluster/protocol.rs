//! The wire protocol between a cluster and its engines.
//!
//! Every message is one frame of the process backends' codec (`backends::frame`): a
//! little-endian `u32` byte count, then the message in [postcard](https://docs.rs/postcard) (a
//! compact serde format), at most 1 GiB. Task inputs and outputs travel as postcard bytes inside
//! the messages, so the engine can pick the kernel before decoding.
//!
//! An engine starts by sending [`Reply::Hello`] with its kernel table; then it answers each
//! request in the order received: a [`Request::Task`] with one [`Reply::Done`] or
//! [`Reply::Failed`], a [`Request::Define`] with [`Reply::Defined`] or [`Reply::Refused`]. It exits
//! when its request pipe reaches end of file.

use serde::{Deserialize, Serialize};

pub(crate) use crate::backends::frame::{decode, encode, read_frame, write_frame};

/// Version of this protocol; an engine built from another version is refused at start.
pub const PROTOCOL: u32 = 2;

/// What the engines know about one of their kernels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelInfo {
    /// The kernel's name, as [`Remote::name`](super::Remote::name) gives it.
    pub name: String,
    /// `std::any::type_name` of its input type.
    pub input: String,
    /// `std::any::type_name` of its output type.
    pub output: String,
}

impl KernelInfo {
    /// The entry of a kernel called `name` that maps `I` to `O`.
    pub(crate) fn of<I, O>(name: &str) -> Self {
        KernelInfo {
            name: name.to_string(),
            input: std::any::type_name::<I>().to_string(),
            output: std::any::type_name::<O>().to_string(),
        }
    }
}

/// Where a piece of machine code is: an object (shared library or program) and the offset from
/// its load address. Another process finds the same code by adding its own load address of that
/// object; `head` (the code's first bytes) shows that it is the same code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Code {
    /// Path of the object as the dynamic loader names it; empty for the main program.
    pub object: String,
    /// Offset of the code from the object's load address.
    pub offset: u64,
    /// The first bytes of the code (up to 16, never past its page).
    pub head: Vec<u8>,
}

/// Cluster to engine.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Add a plain function to the engine's table (after its kernels): `trampoline` decodes an
    /// input, calls the function and encodes the output; `function` is the function it calls,
    /// when the trampoline does not know it already (a `fn` pointer, not a zero-sized type).
    Define {
        /// The monomorphized trampoline.
        trampoline: Code,
        /// The function, for a trampoline over `fn` pointers.
        function: Option<Code>,
    },
    /// Run kernel number `kernel` of the engine's table on `input` (postcard bytes).
    Task {
        /// Task index in the map's input order.
        id: u64,
        /// Index into the engine's kernel table.
        kernel: u32,
        /// The postcard-encoded input.
        input: Vec<u8>,
    },
}

/// Engine to cluster.
#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    /// First message of every engine.
    Hello {
        /// [`PROTOCOL`] of the engine's build.
        protocol: u32,
        /// The engine's process id.
        pid: u32,
        /// The kernels the engine can run; requests name them by index.
        kernels: Vec<KernelInfo>,
    },
    /// A [`Request::Define`] worked: tasks may name the function by `slot`.
    Defined {
        /// Index of the function in the engine's table.
        slot: u32,
    },
    /// A [`Request::Define`] failed: the code could not be found or opened.
    Refused {
        /// What happened.
        message: String,
    },
    /// A task finished.
    Done {
        /// Task index.
        id: u64,
        /// Start and end on the system's monotonic clock, in nanoseconds.
        start: u64,
        /// See `start`.
        end: u64,
        /// The postcard-encoded output.
        output: Vec<u8>,
    },
    /// A task panicked or its input could not be decoded.
    Failed {
        /// Task index.
        id: u64,
        /// What happened.
        message: String,
    },
}

/// Nanoseconds on `CLOCK_MONOTONIC`, which every process of the machine shares (unlike
/// [`std::time::Instant`], whose values cannot cross a process boundary).
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64) * 1_000_000_000 + ts.tv_nsec as u64
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn frames_round_trip_and_eof_is_none() {
        let mut buf = Vec::new();
        write_frame(
            &mut buf,
            &Request::Task {
                id: 7,
                kernel: 2,
                input: encode(&(3u32, 4u64)).unwrap(),
            },
        )
        .unwrap();
        let mut r = &buf[..];
        let Some(Request::Task { id, kernel, input }) = read_frame(&mut r).unwrap() else {
            panic!("no frame")
        };
        assert_eq!((id, kernel), (7, 2));
        assert_eq!(decode::<(u32, u64)>(&input).unwrap(), (3, 4));
        assert!(read_frame::<Request>(&mut r).unwrap().is_none());
    }

    #[test]
    fn truncated_frame_is_an_error() {
        let mut buf = Vec::new();
        write_frame(
            &mut buf,
            &Reply::Failed {
                id: 1,
                message: "x".into(),
            },
        )
        .unwrap();
        buf.pop();
        assert!(read_frame::<Reply>(&mut &buf[..]).is_err());
    }
}
