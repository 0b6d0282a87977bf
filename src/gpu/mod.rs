//! The GPU executor (cargo feature `gpu`): the module's two tasks and the gas as WGSL compute
//! shaders, on any GPU that [wgpu](https://wgpu.rs) finds — Vulkan, Metal, DX12 or GL; NVIDIA,
//! AMD, Intel and Apple GPUs, integrated ones, and Mesa's llvmpipe (a Vulkan device that runs on
//! the CPU, for machines without a GPU).
//!
//! A GPU runs shaders, not Rust closures, so [`Gpu`] does not implement the backends'
//! `Backend` trait: it has its own kernels, written in WGSL
//! (`src/gpu/shaders/`) as ports of the CPU ones, and takes and returns plain numbers. The
//! workloads layer runs them as it runs a backend (`workloads::squares(&gpu, seeds)`, with
//! `check_prime` and `simulate`; `workloads::Target`) and checks them against the CPU:
//!
//! - [`Gpu::squares`]: MT19937 seeding and numpy's masked draw, bit-identical to the CPU;
//! - [`Gpu::smallest_factor_in`]: trial division of a 64-bit number with 32-bit arithmetic
//!   (WGSL has no `u64`), the smallest factor exact;
//! - [`Gpu::fly`]: the gas's particles advanced and reflected in f32.
//!
//! A [`Gpu`] holds the device and the compiled shaders; keep it in a variable and reuse it (it
//! keeps no global state). No adapter is [`Error::NoGpu`], never a panic.
//!
//! ```
//! use parlab::gpu::Gpu;
//!
//! let gpu = Gpu::new()?;
//! assert_eq!(gpu.squares(0, 5)?, [25, 25, 64, 64, 49]);
//! assert_eq!(gpu.smallest_factor_in(1_000_003 * 999_983, 3, 999_999)?, Some(999_983));
//! # Ok::<(), parlab::Error>(())
//! ```

use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::{Error, Result};

mod device;
mod gas;
mod primes;
mod squares;

use device::Kernel;
pub use gas::{Flight, FlightPlan};
pub use squares::SHORT_DRAWS;

/// One adapter (a GPU, or a software device) that wgpu found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GpuAdapter {
    /// The device's name, e.g. `"NVIDIA GeForce RTX 3060"` or `"llvmpipe (LLVM 15.0.6, 256 bits)"`.
    pub name: String,
    /// The graphics API wgpu reaches it through: `"vulkan"`, `"metal"`, `"dx12"`, `"gl"`.
    pub backend: String,
    /// `"discrete"`, `"integrated"`, `"virtual"`, `"cpu"` (software, such as llvmpipe) or
    /// `"other"`.
    pub device_type: String,
    /// The driver and its version, as the driver reports them.
    pub driver: String,
}

impl GpuAdapter {
    fn of(info: &wgpu::AdapterInfo) -> GpuAdapter {
        let device_type = match info.device_type {
            wgpu::DeviceType::DiscreteGpu => "discrete",
            wgpu::DeviceType::IntegratedGpu => "integrated",
            wgpu::DeviceType::VirtualGpu => "virtual",
            wgpu::DeviceType::Cpu => "cpu",
            wgpu::DeviceType::Other => "other",
        };
        let driver = [info.driver.as_str(), info.driver_info.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        GpuAdapter {
            name: info.name.clone(),
            backend: info.backend.to_str().to_string(),
            device_type: device_type.to_string(),
            driver,
        }
    }

    /// Whether this is a software device that runs on the CPU (llvmpipe, WARP, SwiftShader).
    pub fn is_software(&self) -> bool {
        self.device_type == "cpu"
    }
}

impl std::fmt::Display for GpuAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}, {}", self.name, self.backend, self.device_type)?;
        if self.is_software() {
            f.write_str(": software, runs on the CPU")?;
        }
        if !self.driver.is_empty() {
            write!(f, "; {}", self.driver)?;
        }
        f.write_str(")")
    }
}

fn instance(backends: wgpu::Backends) -> wgpu::Instance {
    let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
    descriptor.backends = backends;
    wgpu::Instance::new(descriptor)
}

/// The graphics APIs to search, in turn: the `WGPU_BACKEND` variable's (e.g. `vulkan` or `gl`)
/// when it is set, else Vulkan, Metal and DX12, then GL only when those find nothing (GL finds
/// the same devices again, and probing it on a headless Linux prints warnings).
fn searches() -> Vec<wgpu::Backends> {
    match wgpu::Backends::from_env() {
        Some(chosen) => vec![chosen],
        None => vec![wgpu::Backends::PRIMARY, wgpu::Backends::SECONDARY],
    }
}

/// Every adapter wgpu finds on this machine: those of the first graphics API family that has
/// any (see `WGPU_BACKEND` in wgpu's documentation). Empty when there is none.
///
/// # Examples
///
/// ```
/// let found = parlab::gpu::adapters();
/// assert!(found.iter().all(|a| !a.name.is_empty()));
/// ```
pub fn adapters() -> Vec<GpuAdapter> {
    for backends in searches() {
        let found = pollster::block_on(instance(backends).enumerate_adapters(backends));
        if !found.is_empty() {
            return found
                .iter()
                .map(|a| GpuAdapter::of(&a.get_info()))
                .collect();
        }
    }
    Vec::new()
}

/// The adapter [`Gpu::new`] would open (wgpu's choice, a discrete GPU first), without opening
/// it; `None` when there is none.
///
/// # Examples
///
/// ```
/// if let Some(adapter) = parlab::gpu::preferred_adapter() {
///     assert!(parlab::gpu::adapters().contains(&adapter));
/// }
/// ```
pub fn preferred_adapter() -> Option<GpuAdapter> {
    request_adapter()
        .ok()
        .map(|a| GpuAdapter::of(&a.get_info()))
}

/// wgpu's preferred adapter in the first search that has one, or what the last search said.
fn request_adapter() -> std::result::Result<wgpu::Adapter, String> {
    let mut why = String::from("no graphics API to search");
    for backends in searches() {
        match pollster::block_on(instance(backends).request_adapter(&preferred())) {
            Ok(adapter) => return Ok(adapter),
            Err(e) => why = e.to_string(),
        }
    }
    Err(why)
}

fn preferred() -> wgpu::RequestAdapterOptions<'static, 'static> {
    wgpu::RequestAdapterOptions {
        power_preference: wgpu::PowerPreference::HighPerformance,
        ..Default::default()
    }
}

/// An open GPU device with the shaders compiled: squares, trial division and the gas.
pub struct Gpu {
    adapter: GpuAdapter,
    device: wgpu::Device,
    queue: wgpu::Queue,
    limits: wgpu::Limits,
    /// Errors the device reported outside a call (wgpu's "uncaptured" errors).
    errors: Arc<Mutex<Vec<String>>>,
    squares: Kernel,
    primes: Kernel,
    gas: Kernel,
}

impl std::fmt::Debug for Gpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gpu")
            .field("adapter", &self.adapter)
            .finish()
    }
}

impl Gpu {
    /// Opens the adapter wgpu prefers (a discrete GPU before an integrated one before a
    /// software device) and compiles the three shaders.
    ///
    /// # Errors
    ///
    /// [`Error::NoGpu`] when wgpu finds no adapter (it says what to install);
    /// [`Error::Gpu`] when the device cannot be opened or refuses a shader.
    ///
    /// # Examples
    ///
    /// ```
    /// let gpu = parlab::gpu::Gpu::new()?;
    /// assert!(!gpu.adapter().name.is_empty());
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn new() -> Result<Gpu> {
        let adapter = request_adapter().map_err(|e| Error::NoGpu {
            detail: format!("; {e}"),
        })?;
        let info = GpuAdapter::of(&adapter.get_info());
        let limits = adapter.limits();
        let descriptor = wgpu::DeviceDescriptor {
            label: Some("parlab"),
            required_limits: limits.clone(),
            ..Default::default()
        };
        let (device, queue) =
            pollster::block_on(adapter.request_device(&descriptor)).map_err(|e| Error::Gpu {
                adapter: info.name.clone(),
                message: format!(
                    "could not open the device: {e}; update the GPU driver, or pick another \
                     adapter with WGPU_BACKEND=vulkan|metal|dx12|gl"
                ),
            })?;
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&errors);
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            if let Ok(mut list) = sink.lock() {
                list.push(e.to_string());
            }
        }));
        let compile = |name, source| Kernel::compile(&device, &info.name, name, source);
        let squares = compile("squares", include_str!("shaders/squares.wgsl"))?;
        let primes = compile("primes", include_str!("shaders/primes.wgsl"))?;
        let gas = compile("gas", include_str!("shaders/gas.wgsl"))?;
        Ok(Gpu {
            adapter: info,
            device,
            queue,
            limits,
            errors,
            squares,
            primes,
            gas,
        })
    }

    /// The adapter this device runs on.
    pub fn adapter(&self) -> &GpuAdapter {
        &self.adapter
    }

    /// An [`Error::Gpu`] for this device.
    fn error(&self, message: impl Into<String>) -> Error {
        Error::Gpu {
            adapter: self.adapter.name.clone(),
            message: message.into(),
        }
    }
}
