//! The pieces of `report.html` (`holdem-arena report`): result CSVs read back as text
//! tables with their line numbers ([`CsvTable`]), HTML escaping, tables, sections and
//! the self-contained page around them (inline CSS, no scripts, no network fetches).
//!
//! Every text that comes from a file goes through [`escape`]: a bot name may be any
//! `exec:...` command line, `<` and `&` included.

use std::path::{Path, PathBuf};

/// A result file that cannot be used for the page: one line naming the file, and the
/// line and column when one is at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadCsv(pub String);

/// A CSV file read as text: its header and rows, each row with its line in the file
/// (1-based, the header being line 1).
#[derive(Clone, Debug, PartialEq)]
pub struct CsvTable {
    /// The file, for messages.
    pub file: PathBuf,
    /// Column names, from the header line.
    pub headers: Vec<String>,
    /// The rows, each as many fields as the header.
    pub rows: Vec<Vec<String>>,
    /// Each row's line in the file.
    pub lines: Vec<u64>,
}

impl CsvTable {
    /// Reads `path`, a CSV file with a header line.
    ///
    /// # Errors
    /// [`BadCsv`] naming the file when it cannot be read or has no header, and the line
    /// when a row has another number of fields than the header or is not UTF-8.
    pub fn read(path: &Path) -> Result<CsvTable, BadCsv> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(path)
            .map_err(|e| BadCsv(format!("cannot read {} ({e})", path.display())))?;
        let bad = |e: csv::Error| {
            let line = e.position().map(|p| p.line());
            match line {
                Some(l) => BadCsv(format!("{} line {l}: malformed CSV ({e})", path.display())),
                None => BadCsv(format!("{}: malformed CSV ({e})", path.display())),
            }
        };
        let headers: Vec<String> = reader
            .headers()
            .map_err(bad)?
            .iter()
            .map(str::to_string)
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(BadCsv(format!(
                "{}: empty file (a header line is needed)",
                path.display()
            )));
        }
        let (mut rows, mut lines) = (Vec::new(), Vec::new());
        for record in reader.records() {
            let record = record.map_err(bad)?;
            lines.push(record.position().map_or(0, |p| p.line()));
            rows.push(record.iter().map(str::to_string).collect());
        }
        Ok(CsvTable {
            file: path.to_path_buf(),
            headers,
            rows,
            lines,
        })
    }

    /// The index of column `name`.
    ///
    /// # Errors
    /// [`BadCsv`] naming the file and the missing column.
    pub fn column(&self, name: &str) -> Result<usize, BadCsv> {
        self.headers.iter().position(|h| h == name).ok_or_else(|| {
            BadCsv(format!(
                "{}: no column {name:?} (its columns: {})",
                self.file.display(),
                self.headers.join(",")
            ))
        })
    }

    /// The number in row `row`, column `col`; `None` when the field is empty (a value
    /// that does not apply, such as the aggression factor without calls).
    ///
    /// # Errors
    /// [`BadCsv`] naming the file, line and column when the field is not a number.
    pub fn number(&self, row: usize, col: usize) -> Result<Option<f64>, BadCsv> {
        let text = self.rows[row][col].trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<f64>().map(Some).map_err(|_| {
            BadCsv(format!(
                "{} line {}: column {}: {text:?} is not a number",
                self.file.display(),
                self.lines[row],
                self.headers[col]
            ))
        })
    }
}

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by their HTML character
/// references, safe in element content and in quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML table: `headings` then `rows` (plain text, escaped here; a `\n` in a cell
/// breaks its line); the columns whose
/// `numeric` entry is true are right-aligned (numbers), the others left-aligned.
pub fn table(headings: &[&str], numeric: &[bool], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table>\n<thead><tr>");
    for h in headings {
        s += &format!("<th>{}</th>", escape(h));
    }
    s += "</tr></thead>\n<tbody>\n";
    for row in rows {
        s += "<tr>";
        for (i, cell) in row.iter().enumerate() {
            let class = if numeric.get(i).copied().unwrap_or(false) {
                " class=\"num\""
            } else {
                ""
            };
            s += &format!("<td{class}>{}</td>", escape(cell));
        }
        s += "</tr>\n";
    }
    s += "</tbody>\n</table>\n";
    s
}

/// A section of the page: a heading (`title`, escaped), a note under it (escaped;
/// none when empty), and `body` (HTML, not escaped).
pub fn section(title: &str, note: &str, body: &str) -> String {
    let note = if note.is_empty() {
        String::new()
    } else {
        format!("<p class=\"note\">{}</p>\n", escape(note))
    };
    format!(
        "<section>\n<h2>{}</h2>\n{note}{body}</section>\n",
        escape(title)
    )
}

/// The inline style sheet: readable tables, figures scaled to the page width.
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}\
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}\
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}\
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;white-space:pre-line}\
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:pre}\
tbody tr:nth-child(even){background:#fafafa}\
.note{color:#555;font-size:.9em;margin:.3em 0}\
figure{margin:.5em 0}figure svg{max-width:100%;height:auto}\
code,pre{background:#f6f6f6;padding:.2em .4em;overflow-x:auto}";

/// The whole page: a self-contained HTML5 document titled `title` (escaped) with the
/// inline style sheet, a one-line `subtitle` (escaped) and the `sections` (HTML).
pub fn page(title: &str, subtitle: &str, sections: &[String]) -> String {
    let title = escape(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n\
         <p class=\"note\">{}</p>\n{}</body>\n</html>\n",
        escape(subtitle),
        sections.concat()
    )
}

/// An SVG image (the text of an `.svg` file this program wrote) ready to inline in a
/// figure: any XML declaration before `<svg` is dropped.
///
/// # Errors
/// [`BadCsv`] (naming `file`) when the text does not start with an `<svg` element or
/// holds active content (`<script`, `<foreignObject`, `javascript:` or an `on...=`
/// event attribute), which the plots and crosstables written here never contain.
pub fn inline_svg(file: &Path, svg: &str) -> Result<String, BadCsv> {
    let start = svg.find("<svg").ok_or_else(|| {
        BadCsv(format!(
            "{}: not an SVG image (no <svg element)",
            file.display()
        ))
    })?;
    let body = &svg[start..];
    if !svg[..start].trim().is_empty() && !svg[..start].trim_start().starts_with("<?xml") {
        return Err(BadCsv(format!(
            "{}: not an SVG image (text before <svg)",
            file.display()
        )));
    }
    let lower = body.to_ascii_lowercase();
    let active = ["<script", "<foreignobject", "javascript:"]
        .iter()
        .any(|n| lower.contains(n))
        || lower
            .split(|c: char| c.is_ascii_whitespace())
            .any(is_event_attribute);
    if active {
        return Err(BadCsv(format!(
            "{}: holds active content (scripts or event attributes), which this program never writes; not inlined",
            file.display()
        )));
    }
    Ok(format!("<figure>\n{}\n</figure>\n", body.trim_end()))
}

/// Whether `word` starts an event-handler attribute such as `onload="`: `on`, letters,
/// `=` and a quote (text content cannot hold one: SVG writers escape its quotes).
fn is_event_attribute(word: &str) -> bool {
    let Some(rest) = word.strip_prefix("on") else {
        return false;
    };
    let name_len = rest.chars().take_while(char::is_ascii_alphabetic).count();
    name_len > 0 && (rest[name_len..].starts_with("=\"") || rest[name_len..].starts_with("='"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape("exec:a<b>&\"c\"'d'"),
            "exec:a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;"
        );
        let t = table(
            &["bot", "x"],
            &[false, true],
            &[vec!["<i>".into(), "1".into()]],
        );
        assert!(t.contains("<td>&lt;i&gt;</td><td class=\"num\">1</td>"));
    }

    #[test]
    fn svg_is_inlined_without_its_prolog_and_scripts_are_refused() {
        let f = Path::new("x.svg");
        let ok = inline_svg(
            f,
            "<?xml version=\"1.0\"?>\n<svg a=\"1\"><text>one</text></svg>\n",
        );
        assert_eq!(
            ok.unwrap(),
            "<figure>\n<svg a=\"1\"><text>one</text></svg>\n</figure>\n"
        );
        assert!(inline_svg(f, "<svg><script>x()</script></svg>").is_err());
        assert!(inline_svg(f, "<svg onload=\"x()\"></svg>").is_err());
        assert!(inline_svg(f, "hello").is_err());
        // A text that merely mentions "on" is fine.
        assert!(inline_svg(f, "<svg><text>on = off only=1</text></svg>").is_ok());
    }

    #[test]
    fn csv_rows_keep_their_lines_and_bad_fields_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(&p, "bot,x\na,1.5\nb,\nc,zz\n").unwrap();
        let t = CsvTable::read(&p).unwrap();
        assert_eq!(t.lines, vec![2, 3, 4]);
        let x = t.column("x").unwrap();
        assert_eq!(t.number(0, x).unwrap(), Some(1.5));
        assert_eq!(t.number(1, x).unwrap(), None);
        let e = t.number(2, x).unwrap_err().0;
        assert!(e.contains("t.csv line 4: column x: \"zz\""), "{e}");
        assert!(t.column("y").unwrap_err().0.contains("no column \"y\""));
        std::fs::write(&p, "bot,x\na,1\nb,2,3\n").unwrap();
        let e = CsvTable::read(&p).unwrap_err().0;
        assert!(e.contains("t.csv line 3"), "{e}");
    }
}
