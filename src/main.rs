//! The `policy-lint` binary: a thin shell over the library.

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: allocator::Mimalloc = allocator::Mimalloc;

fn main() -> std::process::ExitCode {
    #[cfg(all(feature = "mimalloc", not(elf_initialisers)))]
    allocator::configure_in_main();
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

    /// `mi_option_purge_delay` and `mi_option_arena_reserve` in mimalloc.h
    /// (libmimalloc-sys names no constant for them).
    const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;
    #[cfg(elf_initialisers)]
    const MI_OPTION_ARENA_RESERVE: mi::mi_option_t = 23;

    /// Sets the allocators' options before the first allocation, which the
    /// Rust runtime makes before `main` (the main thread's stack-guard
    /// record): the arena size only counts if it is set before the first arena.
    ///
    /// - Freed memory goes back to the system after 100 ms rather than
    ///   mimalloc's default of a second: a run over 20,000 files is shorter
    ///   than that, so nothing would be returned and its peak would be a
    ///   fifth higher, for about 2 % less CPU time.
    /// - Arenas are reserved 32 MiB at a time, not 1 GiB. An arena's
    ///   bitmaps grow with its size, one per size class, and each is written
    ///   when the arena is set up: for 1 GiB that is 40 pages touched, a
    ///   tenth of the page faults of a whole run over 80 files. Later arenas
    ///   double in size every eight, so large runs map few of them.
    /// - glibc's allocator, which the C library still uses for itself (a new
    ///   thread's CPU set), keeps to one arena: otherwise each thread's first
    ///   allocation there reserves 128 MiB and trims it, and each `munmap`
    ///   stops the other threads.
    #[cfg(elf_initialisers)]
    extern "C" fn configure() {
        // SAFETY: sets process-wide options while the process is starting,
        // before any thread or allocation of ours.
        unsafe {
            mi::mi_option_set(MI_OPTION_PURGE_DELAY, 100);
            mi::mi_option_set(MI_OPTION_ARENA_RESERVE, 32 * 1024);
            #[cfg(all(target_os = "linux", target_env = "gnu"))]
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }

    /// Runs `configure` as the program is loaded, with the other
    /// initialisers of an ELF executable; the runtime's first allocation
    /// comes later, from `main`'s start-up code.
    #[cfg(elf_initialisers)]
    #[used]
    #[link_section = ".init_array"]
    static CONFIGURE: extern "C" fn() = configure;

    /// Elsewhere the options are set from `main`, where only the purge delay
    /// still counts (see `configure`).
    #[cfg(not(elf_initialisers))]
    pub fn configure_in_main() {
        // SAFETY: sets a process-wide option; no other thread exists yet.
        unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, 100) };
    }
}
