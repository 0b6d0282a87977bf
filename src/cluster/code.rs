//! Plain functions on forked engines: finding a function's machine code in this process, and
//! the same code in an engine.
//!
//! A forked engine is a copy of this process, so every object (the program, each shared
//! library) loaded before the fork sits at the same place in it. A function is shipped as
//! [`Code`]: the object it is in, as the dynamic loader names it (empty for the main program),
//! and its offset from that object's load address. The engine adds its own load address of that
//! object; an object loaded after the fork (in a notebook, the shared library of every later
//! evcxr cell) is first opened in the engine with `dlopen(path, RTLD_NOW)`. The code's first
//! bytes travel along and are compared, so an engine never runs other code than was meant.
//!
//! What runs is a **trampoline**, monomorphized for the function's input and output types: it
//! decodes the input, calls the function and encodes the output ([`call_fn`] for `fn` pointers,
//! [`call_zst`] for zero-sized function types, [`call_kernel`] for zero-sized kernels).

use std::ffi::{CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::{de::DeserializeOwned, Serialize};

use super::protocol::{decode, encode, Code};
use crate::backends::{panic_message, Kernel};

/// A trampoline: the function's address (0 when the trampoline knows the function) and one
/// postcard-encoded input; returns the encoded output or what went wrong.
pub(crate) type Trampoline = unsafe fn(usize, &[u8]) -> Result<Vec<u8>, String>;

/// At most this many bytes of code travel for the comparison.
const HEAD: usize = 16;

/// A page's size, for reading a code's head without leaving its page (the page is mapped).
fn page() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size).unwrap_or(4096).max(64)
}

/// The bytes at `addr`, up to [`HEAD`] and never past `addr`'s page or `end`.
///
/// # Safety
///
/// `addr` must be inside mapped, readable memory (code of a loaded object).
unsafe fn head(addr: usize, end: usize) -> Vec<u8> {
    let page_end = (addr / page() + 1) * page();
    let len = HEAD.min(page_end - addr).min(end.saturating_sub(addr));
    // SAFETY: the caller vouches for `addr`; `len` stays within its page and its object.
    unsafe { std::slice::from_raw_parts(addr as *const u8, len).to_vec() }
}

/// A loaded object: its name, load address, and the address ranges of its segments.
struct Object {
    name: String,
    base: usize,
    segments: Vec<(usize, usize)>,
}

/// The objects loaded in this process.
#[cfg(target_os = "linux")]
fn objects() -> Vec<Object> {
    unsafe extern "C" fn each(
        info: *mut libc::dl_phdr_info,
        _size: libc::size_t,
        data: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: the loader passes a valid `info` for the call; `data` is our `Vec<Object>`.
        let (info, found) = unsafe { (&*info, &mut *(data as *mut Vec<Object>)) };
        let name = if info.dlpi_name.is_null() {
            String::new()
        } else {
            // SAFETY: a non-null dlpi_name is a NUL-terminated string owned by the loader.
            unsafe { CStr::from_ptr(info.dlpi_name) }
                .to_string_lossy()
                .into_owned()
        };
        let base = info.dlpi_addr as usize;
        let segments = (0..info.dlpi_phnum as usize)
            // SAFETY: dlpi_phdr points to dlpi_phnum program headers.
            .map(|i| unsafe { &*info.dlpi_phdr.add(i) })
            .filter(|h| h.p_type == libc::PT_LOAD)
            .map(|h| {
                let start = base + h.p_vaddr as usize;
                (start, start + h.p_memsz as usize)
            })
            .collect();
        found.push(Object {
            name,
            base,
            segments,
        });
        0
    }
    let mut found: Vec<Object> = Vec::new();
    // SAFETY: `each` only reads what the loader hands it and pushes to `found`.
    unsafe { libc::dl_iterate_phdr(Some(each), &mut found as *mut Vec<Object> as *mut _) };
    found
}

/// The objects loaded in this process (dyld's images; their segments are not listed).
#[cfg(target_vendor = "apple")]
fn objects() -> Vec<Object> {
    // SAFETY: dyld's image functions take any index below the count; names are owned by dyld.
    unsafe {
        (0..libc::_dyld_image_count())
            .filter_map(|i| {
                let name = libc::_dyld_get_image_name(i);
                let base = libc::_dyld_get_image_header(i) as usize;
                (!name.is_null()).then(|| Object {
                    name: CStr::from_ptr(name).to_string_lossy().into_owned(),
                    base,
                    segments: Vec::new(),
                })
            })
            .collect()
    }
}

/// Where the code at `addr` (a function of this process) is, as an engine can find it.
#[cfg(target_os = "linux")]
pub(crate) fn locate(addr: usize) -> Result<Code, String> {
    for object in objects() {
        if let Some(&(_, end)) = object
            .segments
            .iter()
            .find(|&&(start, end)| (start..end).contains(&addr))
        {
            return Ok(Code {
                offset: (addr - object.base) as u64,
                object: object.name,
                // SAFETY: `addr` is inside a loaded segment that ends at `end`.
                head: unsafe { head(addr, end) },
            });
        }
    }
    Err(format!(
        "the code at {addr:#x} is in no loaded object of this process"
    ))
}

/// Where the code at `addr` (a function of this process) is, as an engine can find it.
#[cfg(target_vendor = "apple")]
pub(crate) fn locate(addr: usize) -> Result<Code, String> {
    // SAFETY: dladdr only reads loader tables; `info` is a valid out-pointer.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    if unsafe { libc::dladdr(addr as *const libc::c_void, &mut info) } == 0
        || info.dli_fname.is_null()
    {
        return Err(format!(
            "the code at {addr:#x} is in no loaded object of this process"
        ));
    }
    // SAFETY: dli_fname is a NUL-terminated path owned by the loader.
    let object = unsafe { CStr::from_ptr(info.dli_fname) }
        .to_string_lossy()
        .into_owned();
    Ok(Code {
        object,
        offset: (addr - info.dli_fbase as usize) as u64,
        // SAFETY: `addr` is code of a loaded image (dladdr found it).
        head: unsafe { head(addr, usize::MAX) },
    })
}

/// The address of `code` in this process: its object's load address plus the offset, after
/// opening the object if it is not loaded yet; the code's head must match.
pub(crate) fn resolve(code: &Code) -> Result<usize, String> {
    let find = || objects().into_iter().find(|o| o.name == code.object);
    let object = match find() {
        Some(object) => object,
        None if code.object.is_empty() => return Err("the main program is not loaded".into()),
        None => {
            open(&code.object)?;
            find()
                .ok_or_else(|| format!("{} was opened but is not listed as loaded", code.object))?
        }
    };
    let addr = object.base + code.offset as usize;
    let end = match object.segments.iter().find(|s| (s.0..s.1).contains(&addr)) {
        Some(&(_, end)) => end,
        None if object.segments.is_empty() => usize::MAX,
        None => {
            return Err(format!(
                "offset {:#x} is outside every segment of {}",
                code.offset,
                shown(&code.object)
            ))
        }
    };
    // SAFETY: `addr` is inside a loaded segment of the object (or, where segments are not
    // listed, at the offset the caller found code at in the same file).
    if unsafe { head(addr, end) } != code.head {
        return Err(format!(
            "the code at offset {:#x} of {} differs from the caller's: the file changed since \
             the caller loaded it",
            code.offset,
            shown(&code.object)
        ));
    }
    Ok(addr)
}

fn shown(object: &str) -> &str {
    if object.is_empty() {
        "the main program"
    } else {
        object
    }
}

/// `dlopen(path, RTLD_NOW)`; the object stays loaded for the life of the process.
fn open(path: &str) -> Result<(), String> {
    let c = CString::new(path).map_err(|_| format!("{path:?} holds a NUL byte"))?;
    // SAFETY: `c` is a valid C string; the handle is deliberately never closed.
    let handle = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW) };
    if handle.is_null() {
        // SAFETY: dlerror returns null or a NUL-terminated message owned by the loader.
        let why = unsafe { libc::dlerror() };
        let why = if why.is_null() {
            "unknown error".into()
        } else {
            unsafe { CStr::from_ptr(why) }
                .to_string_lossy()
                .into_owned()
        };
        return Err(format!("could not open {path}: {why}"));
    }
    Ok(())
}

fn run<I: DeserializeOwned, O: Serialize>(
    bytes: &[u8],
    f: impl FnOnce(I) -> O,
) -> Result<Vec<u8>, String> {
    let input: I = decode(bytes).map_err(|e| format!("bad input: {e}"))?;
    let out = catch_unwind(AssertUnwindSafe(|| f(input))).map_err(|p| panic_message(p.as_ref()))?;
    encode(&out).map_err(|e| format!("could not encode the output: {e}"))
}

/// The trampoline for `fn(I) -> O` pointers.
///
/// # Safety
///
/// `f` must be the address of a `fn(I) -> O` in this process.
#[inline(never)]
pub(crate) unsafe fn call_fn<I: DeserializeOwned, O: Serialize>(
    f: usize,
    bytes: &[u8],
) -> Result<Vec<u8>, String> {
    // SAFETY: the caller vouches that `f` is a `fn(I) -> O`; usize and fn pointers have one size.
    let f = unsafe { std::mem::transmute::<usize, fn(I) -> O>(f) };
    run(bytes, f)
}

/// The trampoline for a zero-sized function type `F` (a `fn` item, a closure that captures
/// nothing): its code is `F`'s, so the address is unused.
///
/// # Safety
///
/// `F` must be zero-sized and have no invariants (a value of it is made from nothing).
#[inline(never)]
pub(crate) unsafe fn call_zst<F: Fn(I) -> O, I: DeserializeOwned, O: Serialize>(
    _: usize,
    bytes: &[u8],
) -> Result<Vec<u8>, String> {
    debug_assert_eq!(std::mem::size_of::<F>(), 0);
    // SAFETY: a zero-sized value has no bytes to initialize; the caller vouches for the rest.
    let f = std::mem::ManuallyDrop::new(unsafe { std::mem::zeroed::<F>() });
    run(bytes, |x| (*f)(x))
}

/// The trampoline for a zero-sized [`Kernel`] type (such as the workloads' `RandomSquare`).
///
/// # Safety
///
/// As [`call_zst`].
#[inline(never)]
pub(crate) unsafe fn call_kernel<K: Kernel>(_: usize, bytes: &[u8]) -> Result<Vec<u8>, String> {
    debug_assert_eq!(std::mem::size_of::<K>(), 0);
    // SAFETY: as in `call_zst`.
    let k = std::mem::ManuallyDrop::new(unsafe { std::mem::zeroed::<K>() });
    run(bytes, |x: K::Input| k.call(&x))
}

/// What a plain function travels as: its trampoline and, for a `fn` pointer, the function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Shipped {
    /// The trampoline's address in this process.
    pub trampoline: usize,
    /// The function's address, or 0 when the trampoline knows it.
    pub function: usize,
}

impl Shipped {
    /// `f`, a `fn(I) -> O` pointer.
    pub(crate) fn pointer<I: DeserializeOwned, O: Serialize>(f: fn(I) -> O) -> Self {
        Shipped {
            trampoline: call_fn::<I, O> as Trampoline as usize,
            function: f as usize,
        }
    }

    /// The zero-sized function type `F`; `None` when `F` holds data (a capturing closure).
    pub(crate) fn zero_sized<F, I, O>() -> Option<Self>
    where
        F: Fn(I) -> O,
        I: DeserializeOwned,
        O: Serialize,
    {
        (std::mem::size_of::<F>() == 0).then(|| Shipped {
            trampoline: call_zst::<F, I, O> as Trampoline as usize,
            function: 0,
        })
    }

    /// The zero-sized kernel type `K`; `None` when it holds data.
    pub(crate) fn kernel<K: Kernel>() -> Option<Self> {
        (std::mem::size_of::<K>() == 0).then(|| Shipped {
            trampoline: call_kernel::<K> as Trampoline as usize,
            function: 0,
        })
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn triple(x: u32) -> u64 {
        3 * u64::from(x)
    }

    #[test]
    fn code_in_this_process_resolves_to_itself() {
        let shipped = Shipped::pointer(triple as fn(u32) -> u64);
        for addr in [shipped.trampoline, shipped.function] {
            let code = locate(addr).unwrap();
            assert!(!code.head.is_empty());
            assert_eq!(resolve(&code).unwrap(), addr);
        }
        let mut other = locate(shipped.function).unwrap();
        other.head[0] ^= 0xff;
        assert!(resolve(&other).unwrap_err().contains("differs"));
        let missing = Code {
            object: "/nonexistent/libnothing.so".into(),
            offset: 0,
            head: vec![],
        };
        assert!(resolve(&missing).unwrap_err().contains("could not open"));
    }

    #[test]
    fn trampolines_decode_call_and_encode() {
        let shipped = Shipped::pointer(triple as fn(u32) -> u64);
        let t: Trampoline = unsafe { std::mem::transmute(shipped.trampoline) };
        let out = unsafe { t(shipped.function, &encode(&7u32).unwrap()) }.unwrap();
        assert_eq!(decode::<u64>(&out).unwrap(), 21);
        let add_one = |x: u32| x + 1;
        fn zst_of<F: Fn(u32) -> u32>(_: &F) -> Option<Shipped> {
            Shipped::zero_sized::<F, u32, u32>()
        }
        let s = zst_of(&add_one).unwrap();
        let t: Trampoline = unsafe { std::mem::transmute(s.trampoline) };
        assert_eq!(
            decode::<u32>(&unsafe { t(0, &encode(&41u32).unwrap()) }.unwrap()).unwrap(),
            42
        );
        let base = 5;
        assert!(
            zst_of(&move |x: u32| x + base).is_none(),
            "captures: not zero-sized"
        );
    }
}
