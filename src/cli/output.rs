//! Where reports go and how they look: `--format FORMAT[:PATH]` (repeatable,
//! so one run writes a SARIF file and prints annotations), `-o PATH`, and
//! `--color` with the `NO_COLOR` / `FORCE_COLOR` / `CLICOLOR_FORCE` conventions.

use crate::report::Format;
use std::io::IsTerminal;
use std::path::PathBuf;

/// One report: a format, and the file it goes to (standard output when none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub path: Option<PathBuf>,
}

/// `human`, `sarif`, `sarif:out.sarif`: the format's name, then `:` and a
/// path. Format names hold no `:`, so a path may (`sarif:C:\out.sarif`).
pub fn parse_output(s: &str) -> Result<Output, String> {
    let (name, path) = match s.split_once(':') {
        Some((name, path)) => (name, Some(path)),
        None => (s, None),
    };
    let Some(format) = Format::parse(name) else {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        let near = crate::catalog::closest(name, names.iter().copied())
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        return Err(format!(
            "`{name}` is not a format{near} (one of {}; add `:PATH` to write it to a file)",
            names.join(", ")
        ));
    };
    match path {
        Some("") => Err(format!("`{s}` names no file after `:`")),
        Some(p) => Ok(Output { format, path: Some(PathBuf::from(p)) }),
        None => Ok(Output { format, path: None }),
    }
}

/// The reports of a run, `-o` applied: it names the file of the one format
/// given without a path. Refuses two reports to one place.
pub fn resolve(formats: &[Output], output_file: Option<&PathBuf>) -> Result<Vec<Output>, String> {
    let mut outputs = formats.to_vec();
    if let Some(file) = output_file {
        let mut unnamed = outputs.iter_mut().filter(|o| o.path.is_none());
        match (unnamed.next(), unnamed.next()) {
            (Some(o), None) => o.path = Some(file.clone()),
            (None, _) => {
                return Err("--output-file names a file, but every --format names its own (`FORMAT:PATH`)".into())
            }
            (Some(_), Some(_)) => {
                return Err(
                    "--output-file names one file, for one of several --format: write `FORMAT:PATH` for the others"
                        .into(),
                )
            }
        }
    }
    for (i, o) in outputs.iter().enumerate() {
        if outputs[..i].iter().any(|p| p.path == o.path) {
            return Err(match &o.path {
                None => "two --format write to standard output: give all but one a file (`FORMAT:PATH`)".into(),
                Some(p) => format!("two --format write to {}", p.display()),
            });
        }
    }
    Ok(outputs)
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// An environment variable set to something other than empty (and `0` for the forcing ones).
fn env_set(name: &str, zero_is_unset: bool) -> bool {
    std::env::var_os(name).is_some_and(|v| !(v.is_empty() || (zero_is_unset && v == "0")))
}

/// Whether the human report written to standard output is coloured. The
/// flag wins; under `auto`, `NO_COLOR` turns colour off, then `FORCE_COLOR`
/// or `CLICOLOR_FORCE` on, else a terminal decides.
pub fn color_for_stdout(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env_set("NO_COLOR", false) {
                false
            } else if env_set("FORCE_COLOR", true) || env_set("CLICOLOR_FORCE", true) {
                true
            } else {
                std::io::stdout().is_terminal()
            }
        }
    }
}

/// Columns for the human report on standard output: `COLUMNS` when set,
/// else the terminal's width, else 0 (the report's default).
pub fn width_for_stdout() -> usize {
    if let Some(n) = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&n| n > 0) {
        return n;
    }
    if std::io::stdout().is_terminal() {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
            return usize::from(w);
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(format: Format, path: Option<&str>) -> Output {
        Output { format, path: path.map(PathBuf::from) }
    }

    #[test]
    fn formats_with_and_without_files() {
        assert_eq!(parse_output("json").unwrap(), out(Format::Json, None));
        assert_eq!(parse_output("sarif:out/p.sarif").unwrap(), out(Format::Sarif, Some("out/p.sarif")));
        assert_eq!(parse_output("sarif:C:\\p.sarif").unwrap(), out(Format::Sarif, Some("C:\\p.sarif")));
        assert!(parse_output("jsno").unwrap_err().contains("did you mean `json`?"));
        assert!(parse_output("json:").is_err());
    }

    #[test]
    fn output_file_names_the_one_format_without_a_file() {
        let o = PathBuf::from("r.xml");
        assert_eq!(resolve(&[out(Format::Junit, None)], Some(&o)).unwrap(), [out(Format::Junit, Some("r.xml"))]);
        let two = [out(Format::Sarif, Some("a.sarif")), out(Format::Github, None)];
        assert_eq!(resolve(&two, None).unwrap(), two);
        assert!(resolve(&[out(Format::Json, None), out(Format::Human, None)], None).is_err());
        assert!(resolve(&[out(Format::Json, None), out(Format::Human, None)], Some(&o)).is_err());
        assert!(resolve(&[out(Format::Json, Some("a")), out(Format::Human, Some("a"))], None).is_err());
        assert!(resolve(&[out(Format::Json, Some("a"))], Some(&o)).is_err());
    }
}
