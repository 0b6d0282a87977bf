//! The plumbing every shader shares: compiling, buffers, a dispatch over N invocations, and
//! reading a buffer back, each with the device's errors turned into [`Error::Gpu`].

use std::sync::mpsc;

use super::Gpu;
use crate::{Error, Result};

/// Invocations per workgroup; every shader says `@workgroup_size(64)`.
pub(super) const WORKGROUP: u32 = 64;

/// A compiled compute shader (entry point `main`, bind group 0).
pub(super) struct Kernel {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
}

impl Kernel {
    /// Compiles the WGSL `source`; a shader the device refuses is an error, not a panic.
    pub(super) fn compile(
        device: &wgpu::Device,
        adapter: &str,
        name: &str,
        source: &str,
    ) -> Result<Kernel> {
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(name),
            source: wgpu::ShaderSource::Wgsl(source.into()),
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(name),
            layout: None,
            module: &module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: None,
        });
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(Error::Gpu {
                adapter: adapter.to_string(),
                message: format!("the device refused the {name} shader: {e}"),
            });
        }
        let layout = pipeline.get_bind_group_layout(0);
        Ok(Kernel { pipeline, layout })
    }
}

/// Little-endian bytes of 32-bit words (a shader's uniform `Params`, or data).
pub(super) fn bytes(words: &[u32]) -> Vec<u8> {
    let mut out: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    // Uniform buffers come in multiples of 16 bytes.
    out.resize(out.len().div_ceil(16) * 16, 0);
    out
}

/// 32-bit words of little-endian bytes.
pub(super) fn words(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl Gpu {
    /// The largest storage buffer one binding may hold here, bytes.
    pub(super) fn max_binding(&self) -> u64 {
        self.limits
            .max_storage_buffer_binding_size
            .min(self.limits.max_buffer_size)
    }

    /// A storage buffer of `size` bytes (at least 16) that can be written and read back.
    pub(super) fn storage(&self, label: &str, size: u64) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: size.max(16).div_ceil(16) * 16,
            usage: wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// A uniform buffer for a shader's `Params`.
    pub(super) fn uniform(&self, label: &str, words: &[u32]) -> wgpu::Buffer {
        let data = bytes(words);
        let buffer = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: data.len() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        self.queue.write_buffer(&buffer, 0, &data);
        buffer
    }

    /// Writes `data` to the start of `buffer` (before the next dispatch runs).
    pub(super) fn write(&self, buffer: &wgpu::Buffer, data: &[u8]) {
        self.queue.write_buffer(buffer, 0, data);
    }

    /// The 2-D grid of workgroups that covers `invocations`, and the invocations per row the
    /// shader multiplies `gid.y` by (a dimension holds at most 65535 workgroups).
    pub(super) fn grid(&self, invocations: u64) -> Result<(u32, u32, u32)> {
        let max = u64::from(self.limits.max_compute_workgroups_per_dimension.max(1));
        let groups = invocations.div_ceil(u64::from(WORKGROUP)).max(1);
        let x = groups.min(max);
        let y = groups.div_ceil(x);
        if y > max {
            return Err(self.error(format!(
                "{invocations} invocations do not fit in one dispatch of {max} x {max} \
                 workgroups; this is a bug in parlab's chunking"
            )));
        }
        Ok((x as u32, y as u32, (x as u32) * WORKGROUP))
    }

    /// Runs `kernel` once over the grid `(x, y)` with `buffers` bound at 0, 1, … and waits for
    /// it to finish.
    pub(super) fn dispatch(
        &self,
        kernel: &Kernel,
        buffers: &[&wgpu::Buffer],
        (x, y): (u32, u32),
    ) -> Result<()> {
        let entries: Vec<wgpu::BindGroupEntry> = buffers
            .iter()
            .enumerate()
            .map(|(i, b)| wgpu::BindGroupEntry {
                binding: i as u32,
                resource: b.as_entire_binding(),
            })
            .collect();
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &kernel.layout,
            entries: &entries,
        });
        let mut encoder = self.device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&kernel.pipeline);
            pass.set_bind_group(0, &group, &[]);
            pass.dispatch_workgroups(x, y, 1);
        }
        self.queue.submit([encoder.finish()]);
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(self.error(format!("a dispatch was refused: {e}")));
        }
        self.wait()
    }

    /// Copies the first `size` bytes of `buffer` back to the host.
    pub(super) fn read(&self, buffer: &wgpu::Buffer, size: u64) -> Result<Vec<u8>> {
        let size = size.div_ceil(4) * 4;
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("read back"),
            size: size.max(4),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = self.device.create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, size);
        self.queue.submit([encoder.finish()]);
        let slice = staging.slice(..size);
        let (tx, rx) = mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        self.wait()?;
        match rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(self.error(format!("could not read a buffer back: {e}"))),
            Err(_) => return Err(self.error("the device dropped a read-back")),
        }
        let data = slice
            .get_mapped_range()
            .map_err(|e| self.error(format!("could not map a buffer: {e}")))?
            .to_vec();
        staging.unmap();
        Ok(data)
    }

    /// Waits until the device is idle; an error it reported on the way ends the call.
    fn wait(&self) -> Result<()> {
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| self.error(format!("waiting for the device failed: {e}")))?;
        let reported: Vec<String> = self
            .errors
            .lock()
            .map(|mut list| list.drain(..).collect())
            .unwrap_or_default();
        if reported.is_empty() {
            Ok(())
        } else {
            Err(self.error(reported.join("; ")))
        }
    }
}
