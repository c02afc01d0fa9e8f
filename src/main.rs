//! The `policy-lint` binary: a thin shell over the library.

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: allocator::Mimalloc = allocator::Mimalloc;

fn main() -> std::process::ExitCode {
    #[cfg(feature = "mimalloc")]
    allocator::configure();
    policy_lint::cli::run()
}

/// mimalloc instead of the system allocator: the linter makes millions of
/// small short-lived allocations (node trees, policy models, findings), and
/// glibc's per-thread arenas spend much of their time growing the heap.
#[cfg(feature = "mimalloc")]
mod allocator {
    use libmimalloc_sys as mi;
    use std::alloc::{GlobalAlloc, Layout};
    use std::ffi::c_void;

    /// mimalloc through its plain entry points wherever they give the
    /// alignment asked for. Every block of mimalloc is aligned to a word, and
    /// nearly every Rust allocation asks for no more. Its aligned entry points
    /// are for the rest only: when their quick path misses (a page's first
    /// block, anything over 1 KiB), they over-allocate and mark the page as
    /// holding interior pointers, which every later free on it pays for.
    pub struct Mimalloc;

    /// The alignment of every mimalloc block (`MI_INTPTR_SIZE`).
    const WORD: usize = std::mem::size_of::<usize>();

    // SAFETY: each call passes mimalloc what its contract asks (a size, a
    // power-of-two alignment, a pointer it handed out) and returns its block,
    // which is aligned to `layout.align()`: a word by construction, more
    // through the aligned entry points.
    unsafe impl GlobalAlloc for Mimalloc {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if layout.align() <= WORD {
                mi::mi_malloc(layout.size()) as *mut u8
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
            }
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            if layout.align() <= WORD {
                mi::mi_zalloc(layout.size()) as *mut u8
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
            }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
            mi::mi_free(ptr as *mut c_void)
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if layout.align() <= WORD {
                mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
            } else {
                mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
            }
        }
    }

    /// `mi_option_purge_delay` in mimalloc.h (libmimalloc-sys names no
    /// constant for it).
    const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

    /// Freed memory goes back to the system after 100 ms rather than
    /// mimalloc's default of a second: a large run is shorter than that, so
    /// nothing would be returned and its peak would be higher
    /// (docs/performance.md).
    pub fn configure() {
        // SAFETY: sets a process-wide option of mimalloc, which its options
        // allow at any time; no other thread exists yet.
        unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, 100) };
    }
}
