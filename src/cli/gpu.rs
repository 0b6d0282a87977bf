//! `--backend gpu` on `squares`, `prime` and `gas`, `parlab gpu`, and the GPU's line in
//! `parlab backends`. Without the cargo feature `gpu` each of them says how to rebuild.

use crate::workloads::AnyBackend;
use crate::{Error, Result};

/// The error for a GPU asked of a parlab built without it.
#[cfg(not(feature = "gpu"))]
fn not_built() -> Error {
    Error::Backend {
        backend: "gpu",
        message: "this parlab was built without the GPU backend; rebuild with `cargo build \
                  --release --features gpu` (it needs a Vulkan, Metal, DX12 or GL driver; without \
                  a GPU, `apt-get install mesa-vulkan-drivers` gives Mesa's llvmpipe)"
            .into(),
    }
}

/// Flags that have no meaning on the GPU, refused by name.
pub(super) fn refuse(flag: &'static str, given: bool) -> Result<()> {
    if given {
        return Err(Error::invalid(
            flag,
            "does not apply to --backend gpu: the GPU runs shaders, not CPU workers or tasks; \
             leave it out, or pick a CPU backend",
        ));
    }
    Ok(())
}

/// Opens the GPU as a backend and says on stderr which adapter it is; returns the backend and
/// the adapter's name.
pub(super) fn open() -> Result<(AnyBackend, String)> {
    #[cfg(feature = "gpu")]
    {
        let gpu = crate::gpu::Gpu::new()?;
        eprintln!("gpu: {}", gpu.adapter());
        let adapter = gpu.adapter().name.clone();
        Ok((AnyBackend::Gpu(Box::new(gpu)), adapter))
    }
    #[cfg(not(feature = "gpu"))]
    Err(not_built())
}

/// `parlab squares --backend gpu`.
pub(super) fn squares(start: u32, count: u64, json: bool) -> Result<()> {
    let (gpu, adapter) = open()?;
    let seeds = u64::from(start)..u64::from(start).saturating_add(count);
    let run = crate::workloads::squares(&gpu, seeds)?;
    if json {
        let mut value = super::squares_json(&run, count);
        value["adapter"] = adapter.into();
        return super::print_json(&value);
    }
    println!("{run}");
    Ok(())
}

/// `parlab prime N --backend gpu`.
pub(super) fn prime(n: u64, json: bool) -> Result<()> {
    let (gpu, adapter) = open()?;
    let answer = crate::workloads::check_prime(&gpu, n)?;
    if json {
        let mut value = super::prime_json(&answer);
        value["adapter"] = adapter.into();
        return super::print_json(&value);
    }
    println!("{answer}");
    Ok(())
}

/// `parlab gpu`: every adapter found, and the one `--backend gpu` uses.
pub(super) fn list() -> Result<()> {
    #[cfg(feature = "gpu")]
    {
        let found = crate::gpu::adapters();
        if found.is_empty() {
            return Err(Error::NoGpu {
                detail: String::new(),
            });
        }
        for adapter in &found {
            println!("{adapter}");
        }
        if let Some(chosen) = crate::gpu::preferred_adapter() {
            println!("--backend gpu uses: {}", chosen.name);
        }
        Ok(())
    }
    #[cfg(not(feature = "gpu"))]
    Err(not_built())
}

/// What `parlab backends` says about the GPU after the name and the Python library.
pub(super) fn description() -> String {
    #[cfg(feature = "gpu")]
    {
        let what = crate::workloads::BackendKind::Gpu.description();
        match crate::gpu::preferred_adapter() {
            Some(a) => format!("{what}; adapter: {a}"),
            None => format!("{what}; no adapter found (see `parlab gpu`)"),
        }
    }
    #[cfg(not(feature = "gpu"))]
    "WGSL compute shaders via wgpu; not built in (rebuild with --features gpu)".to_string()
}
