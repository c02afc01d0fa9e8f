//! Reading a file the walk found: once, into a buffer of its size, as UTF-8
//! text, refusing what is too large or not text.

use crate::discover;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why a file was not read. Each caller names the file's role (a file to
/// lint, the configuration, the baseline) and the setting that raises a limit.
#[derive(Debug)]
pub enum LoadError {
    Io(std::io::Error),
    /// A FIFO, a device, a directory: reading one could hang or never end.
    NotRegular,
    /// `size` is `None` when the file did not say its size (stdin, `/proc`).
    TooLarge {
        size: Option<u64>,
        max: u64,
    },
    /// The byte offset of the first invalid byte.
    NotUtf8(usize),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io(e) => f.write_str(&discover::io_message(e)),
            LoadError::NotRegular => f.write_str("not a regular file"),
            LoadError::TooLarge { size: Some(size), max } => {
                write!(f, "the file is {size} bytes, more than the limit of {max} bytes")
            }
            LoadError::TooLarge { size: None, max } => write!(f, "the file is more than the limit of {max} bytes"),
            LoadError::NotUtf8(at) => write!(f, "the file is not UTF-8 text (invalid byte at offset {at})"),
        }
    }
}

/// Reads a file to lint as UTF-8 text, with the messages findings carry.
pub fn load(path: &Path, max: u64) -> Result<String, String> {
    read_text(path, max).map_err(|e| match e {
        LoadError::Io(_) => format!("cannot read the file: {e}"),
        LoadError::TooLarge { .. } => format!("{e} (set `max-file-size` to raise it)"),
        _ => e.to_string(),
    })
}

/// Reads a file as UTF-8 text. Nothing but a regular file is read: on Unix it
/// is opened non-blocking, so a FIFO swapped in after the walk looked at it
/// cannot hang the run, and checked before the first read. Every file the
/// run reads comes through here, the configuration and the baseline too.
pub fn read_text(path: &Path, max: u64) -> Result<String, LoadError> {
    let file = open(path).map_err(LoadError::Io)?;
    let meta = file.metadata().map_err(LoadError::Io)?;
    if !meta.is_file() {
        return Err(LoadError::NotRegular);
    }
    if meta.len() > max {
        return Err(LoadError::TooLarge { size: Some(meta.len()), max });
    }
    // As many bytes as `fstat` said, without one more read to meet the end
    // (a system call a file); a file that says it is empty, as special files
    // do, is read to its end.
    if meta.len() == 0 {
        return text(read_limited(file, 0, max)?);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(meta.len()).read_to_end(&mut bytes).map_err(LoadError::Io)?;
    text(bytes)
}

/// At most `max` bytes of `reader`; more is [`LoadError::TooLarge`].
/// One byte past the limit is asked for to tell "exactly at" from "over",
/// saturating so that a limit of `u64::MAX` does not wrap to nothing.
pub fn read_limited(reader: impl Read, capacity: usize, max: u64) -> Result<Vec<u8>, LoadError> {
    let mut bytes = Vec::with_capacity(capacity.saturating_add(1));
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes).map_err(LoadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(LoadError::TooLarge { size: None, max });
    }
    Ok(bytes)
}

/// Bytes as text, without a UTF-8 byte order mark.
pub fn text(mut bytes: Vec<u8>) -> Result<String, LoadError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8(e.utf8_error().valid_up_to()))
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
