//! How the binary is linked: where `build.rs` asked for a static PIE (the
//! `static-glibc` feature, Linux with glibc and its static archives), the
//! executable must have come out as one, with no dynamic loader to start.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

/// ELF program header type of the interpreter (the dynamic loader's path).
const PT_INTERP: u32 = 3;
/// ELF program header type of the dynamic section.
const PT_DYNAMIC: u32 = 2;

/// The types of the program headers of a 64-bit little-endian ELF file.
fn program_header_types(elf: &[u8]) -> Vec<u32> {
    assert_eq!(&elf[..4], b"\x7fELF", "not an ELF file");
    assert_eq!(elf[4], 2, "not a 64-bit ELF file");
    let word = |at: usize, len: usize| {
        let mut bytes = [0u8; 8];
        bytes[..len].copy_from_slice(&elf[at..at + len]);
        u64::from_le_bytes(bytes) as usize
    };
    let (offset, size, count) = (word(0x20, 8), word(0x36, 2), word(0x38, 2));
    (0..count).map(|i| word(offset + i * size, 4) as u32).collect()
}

#[cfg(static_glibc)]
#[test]
fn the_binary_is_a_static_pie() {
    let elf = std::fs::read(env!("CARGO_BIN_EXE_policy-lint")).unwrap();
    let types = program_header_types(&elf);
    assert!(!types.contains(&PT_INTERP), "the binary names a dynamic loader: {types:?}");
    // A static PIE keeps its dynamic section (it relocates itself); a
    // position-dependent static executable has none and loses address
    // randomization.
    assert!(types.contains(&PT_DYNAMIC), "the binary is not position-independent: {types:?}");
    assert_eq!(u16::from_le_bytes([elf[16], elf[17]]), 3, "e_type is not ET_DYN");
}

#[cfg(not(static_glibc))]
#[test]
fn a_dynamic_binary_names_its_loader() {
    let elf = std::fs::read(env!("CARGO_BIN_EXE_policy-lint")).unwrap();
    assert!(program_header_types(&elf).contains(&PT_INTERP));
}
