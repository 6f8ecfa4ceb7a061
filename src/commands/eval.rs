//! `holdem-arena eval`: rank 5 to 7 card hands, from the arguments or one hand per
//! line on stdin.

use super::{CommandError, failed, print_stdout, usage};
use crate::cards::parse_cards;
use crate::eval::evaluate;
use std::io::BufRead;
use std::process::ExitCode;

/// Ranks each hand; prints one line per hand, errors on stderr (with the line
/// number) while the other lines still print. Exit 2 if any line was bad or no hand
/// was given at all.
pub fn eval(args: &[String]) -> Result<ExitCode, CommandError> {
    let single_hand =
        args.len() > 1 && args.iter().all(|a| !a.trim().contains(char::is_whitespace));
    // Lines as bytes, so that one line of invalid UTF-8 is reported, not fatal.
    let lines: Vec<Vec<u8>> = if args.is_empty() {
        let mut lines = Vec::new();
        for line in std::io::stdin().lock().split(b'\n') {
            match line {
                Ok(mut l) => {
                    if l.last() == Some(&b'\r') {
                        l.pop();
                    }
                    lines.push(l);
                }
                Err(e) => {
                    return Err(failed(format!("reading stdin: {e}")));
                }
            }
        }
        lines
    } else if single_hand {
        vec![args.join(" ").into_bytes()]
    } else {
        args.iter().map(|a| a.clone().into_bytes()).collect()
    };
    let mut bad = false;
    let mut ranked = 0;
    for (i, line) in lines.iter().enumerate() {
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                bad = true;
                eprintln!("error: line {}: not UTF-8 text ({e})", i + 1);
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        match rank_line(text) {
            Ok(ranking) => {
                ranked += 1;
                print_stdout(&format!("{ranking}\n"))?;
            }
            Err(e) => {
                bad = true;
                eprintln!("error: line {}: {e}", i + 1);
            }
        }
    }
    if ranked == 0 && !bad {
        return Err(usage(
            "eval: no hand given: give 5 to 7 cards, e.g. holdem-arena eval Ah Kh Qh Jh Th, or one hand per line on stdin".into(),
        ));
    }
    Ok(if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// `strength<TAB>category<TAB>description` for one hand of 5 to 7 cards.
fn rank_line(line: &str) -> Result<String, CommandError> {
    let cards = parse_cards(line).map_err(|e| usage(e.to_string()))?;
    if !(5..=7).contains(&cards.len()) {
        return Err(usage(format!(
            "{:?} has {} cards: give 5 to 7 cards",
            line.trim(),
            cards.len()
        )));
    }
    let s = evaluate(&cards);
    Ok(format!(
        "{}\t{}\t{}",
        s.value(),
        s.category(),
        s.description()
    ))
}
