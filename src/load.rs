//! Reading a file the walk found: once, into a buffer of its size, as UTF-8
//! text, refusing what is too large or not text.

use crate::discover;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Reads a file as UTF-8 text. Nothing but a regular file is read: on Unix it
/// is opened non-blocking, so a FIFO swapped in after the walk looked at it
/// cannot hang the run, and checked before the first read.
pub fn load(path: &Path, max: u64) -> Result<String, String> {
    let cannot = |e: std::io::Error| format!("cannot read the file: {}", discover::io_message(&e));
    let file = open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > max {
        return Err(format!(
            "the file is {} bytes, more than the limit of {max} bytes (set `max-file-size` to raise it)",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    // As many bytes as `fstat` said, without one more read to meet the end
    // (a system call a file); a file that says it is empty, as special files
    // do, is read to its end.
    let limit = if meta.len() == 0 { max + 1 } else { meta.len() };
    file.take(limit).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(format!("the file is more than the limit of {max} bytes (set `max-file-size` to raise it)"));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("the file is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
}

/// Opens a file for reading, non-blocking and never as a controlling terminal.
fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_of_one_directory_and_then_of_another() {
        let root = tempfile::tempdir().unwrap();
        for dir in ["a", "b"] {
            std::fs::create_dir(root.path().join(dir)).unwrap();
            for n in 0..3 {
                std::fs::write(root.path().join(dir).join(format!("{n}.json")), format!("{dir}{n}")).unwrap();
            }
        }
        for dir in ["a", "b", "a"] {
            for n in 0..3 {
                let text = load(&root.path().join(dir).join(format!("{n}.json")), 100).unwrap();
                assert_eq!(text, format!("{dir}{n}"));
            }
        }
    }

    #[test]
    fn a_missing_file_is_reported_as_the_system_says() {
        let root = tempfile::tempdir().unwrap();
        let missing = load(&root.path().join("missing.json"), 100).unwrap_err();
        let by_path = std::fs::File::open(root.path().join("missing.json")).unwrap_err();
        assert_eq!(missing, format!("cannot read the file: {}", discover::io_message(&by_path)));
    }

    #[test]
    fn a_directory_swapped_in_is_not_read() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("x.json")).unwrap();
        assert_eq!(load(&root.path().join("x.json"), 100).unwrap_err(), "not a regular file");
    }

    #[test]
    fn limits_and_encoding() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("f.json");
        std::fs::write(&file, "\u{feff}{}").unwrap();
        assert_eq!(load(&file, 100).unwrap(), "{}");
        assert!(load(&file, 2).unwrap_err().contains("more than the limit of 2 bytes"));
        std::fs::write(&file, b"{\xff}").unwrap();
        assert_eq!(load(&file, 100).unwrap_err(), "the file is not UTF-8 text (invalid byte at offset 1)");
    }
}
